import { randomBytes } from 'node:crypto';

/**
 * The normalised key that makes the same business or product arriving from several sources one
 * row: each part NFKC-folded, lowercased, whitespace collapsed, then joined with '|'.
 * Businesses: name|city. Products: business_id|title.
 */
export function dedupKey(...parts: (string | null | undefined)[]): string {
  return parts.map((p) => (p ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()).join('|');
}

/** 16 random hex characters after the prefix: collisions are left to the primary key to refuse. */
export function newId(prefix: 'b' | 'p'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
