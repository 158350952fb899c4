import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDb, seedSmallMarketplace, type TestDb } from '@souk/testing';

// The documented exposure query (sql/exposure.sql), on hand-made impressions.
// seedSmallMarketplace: businesses b_<v>_<b> (v = 0..2, b = 0..1), 5 products each.
describe('small-business exposure report', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('pglite');
    await seedSmallMarketplace(t.db);
  });
  afterAll(() => t.drop());

  it('gives the share of impressions that went to the less popular half of businesses', async () => {
    // b_<v>_0 have demand, b_<v>_1 none: the latter are the small half, a half of the catalog.
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, 10, 1 FROM products WHERE business_id LIKE 'b\\__\\_0'`);
    const served = ['p_0_0_0', 'p_1_0_1', 'p_2_0_2', 'p_2_1_3'];
    for (const [i, p] of served.entries()) {
      await t.db.query(`INSERT INTO served_impressions (request_id, user_id, product_id, rank, experiment, variant, model_version, path, served_at)
        VALUES ('r1', 'u_1', $1, $2, 'none', 'control', 'popularity-v1', 'popularity', now())`, [p, i + 1]);
    }
    const sql = readFileSync(join(__dirname, '..', 'sql', 'exposure.sql'), 'utf8');
    const [r] = await t.db.query<Record<string, number>>(sql, [new Date(Date.now() - 3600_000), new Date(Date.now() + 3600_000)]);
    expect(r).toEqual({ impressions: 4, small_business_exposure: 0.25, small_business_catalog_share: 0.5, small_businesses: 3, businesses: 6 });
  });
});
