import { createHash } from 'node:crypto';
import type { Db } from '@souk/db';

// A digest of a table's rows as the client reads them (Dates as ISO strings, numerics as numbers),
// so the same data gives the same digest whichever backend holds it.
export const TABLES: Record<string, { order: string; columns?: string }> = {
  businesses: { order: 'id' },
  products: { order: 'id' },
  product_images: { order: 'product_id' },
  stock: { order: 'product_id' },
  users: { order: 'id' },
  interactions: { order: 'event_id' },
  // score and updated_at come from the database clock and float arithmetic; what was counted is ours.
  product_popularity: { order: 'product_id', columns: 'product_id, events' },
};

export async function fingerprints(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, { order, columns }] of Object.entries(TABLES)) {
    const rows = await db.query(`SELECT ${columns ?? '*'} FROM ${table} ORDER BY ${order}`);
    const hash = createHash('sha256');
    for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
    out[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return out;
}
