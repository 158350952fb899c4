import { createTestDb } from '@souk/testing';
import { generateMarketplace } from '../src';
import { fingerprints } from './fingerprint';

// Same seed, same rows; another seed, other rows. (That PGlite holds the very same rows as
// PostgreSQL is checked in marketplace.test.ts, which has a PGlite database already.)
const SIZES = { users: 40, businesses: 10, products: 150, events: 2_500, now: new Date('2026-03-15T00:00:00Z') };

async function generatedWith(options: Parameters<typeof generateMarketplace>[1]): Promise<Record<string, string>> {
  const t = await createTestDb('postgres');
  try {
    expect((await generateMarketplace(t.db, options)).skipped).toBe(false);
    return await fingerprints(t.db);
  } finally {
    await t.drop();
  }
}

test('a seed gives identical rows again; another seed differs', async () => {
  const first = await generatedWith({ ...SIZES, seed: 7 });
  const again = await generatedWith({ ...SIZES, seed: 7 });
  const other = await generatedWith({ ...SIZES, seed: 8 });
  expect(again).toEqual(first);
  for (const table of ['businesses', 'products', 'product_images', 'users', 'interactions']) expect(other[table]).not.toEqual(first[table]);
});

test('the content follows --now, not the wall clock', async () => {
  const t = await createTestDb('postgres');
  try {
    const now = new Date('2026-03-16T00:00:00Z');
    await generateMarketplace(t.db, { ...SIZES, seed: 7, now, days: 30 });
    const [range] = await t.db.query<{ first: Date; last: Date }>('SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM interactions');
    expect(range.last.getTime()).toBeLessThan(now.getTime());
    expect(range.last.getTime()).toBeGreaterThan(now.getTime() - 86_400_000);
    expect(range.first.getTime()).toBeGreaterThanOrEqual(now.getTime() - 30 * 86_400_000);
  } finally {
    await t.drop();
  }
});
