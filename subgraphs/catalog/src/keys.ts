import { randomBytes } from 'node:crypto';

// Dedup keys come from @souk/domain, shared with the importer: businesses are name|city,
// products business_id|title, both normalised (Arabic-aware).
export { businessKey, productKey } from '@souk/domain';

/** 16 random hex characters after the prefix: collisions are left to the primary key to refuse. */
export function newId(prefix: 'b' | 'p'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
