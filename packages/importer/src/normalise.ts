import { createHash } from 'node:crypto';

// The dedup keys themselves are shared with the catalog subgraph (@souk/domain), so a product
// created through the API and the same product imported from a file collapse onto one row.
export { normaliseText, businessKey, productKey } from '@souk/domain';

// Internal ids derive from the dedup key, so that two imports into empty databases give the same ids.
const idFor = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
export const businessIdFor = (key: string) => idFor('b', key);
export const productIdFor = (key: string) => idFor('p', key);
