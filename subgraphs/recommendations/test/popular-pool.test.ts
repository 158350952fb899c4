import { BACKENDS, createTestDb, seedSmallMarketplace, waitFor, type TestDb } from '@souk/testing';
import { PopularPool } from '../src/recommenders/popular-pool';

// The shared popularity ranking: an expired pool is served while it is read again; a catalog change
// drops it.

describe.each(BACKENDS)('PopularPool on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) VALUES ('p_2_0_0', 30, 3), ('p_2_0_1', 20, 2), ('p_2_0_2', 10, 1)`);
  });
  afterAll(() => t.drop());

  const top = async (pool: PopularPool) => (await pool.get('SUPERMARKET', null))[0]?.id;

  it('reads the ranking again on the next request after a catalog change', async () => {
    const pool = new PopularPool(t.db);
    expect(await top(pool)).toBe('p_2_0_0');
    await t.db.query(`UPDATE product_popularity SET score = 99 WHERE product_id = 'p_2_0_2'`);
    expect(await top(pool)).toBe('p_2_0_0'); // cached: the change is not known yet
    pool.invalidate();
    expect(await top(pool)).toBe('p_2_0_2');
    await t.db.query(`UPDATE product_popularity SET score = 10 WHERE product_id = 'p_2_0_2'`);
  });

  it('drops the pools for a stock change of a product with a popularity score, and keeps them for one without', async () => {
    const pool = new PopularPool(t.db);
    expect(await top(pool)).toBe('p_2_0_0');
    await t.db.query(`UPDATE product_popularity SET score = 99 WHERE product_id = 'p_2_0_2'`);
    pool.stockChanged(['p_2_1_4']); // no score: it is in no pool and cannot enter one
    expect(await top(pool)).toBe('p_2_0_0');
    pool.stockChanged(['p_2_1_4', 'p_2_0_2']);
    expect(await top(pool)).toBe('p_2_0_2'); // the very next request reads the ranking again
    await t.db.query(`UPDATE product_popularity SET score = 10 WHERE product_id = 'p_2_0_2'`);
  });

  it('serves a ranking past its time to live at once, and the refreshed one when it lands', async () => {
    const pool = new PopularPool(t.db, 0);
    expect(await top(pool)).toBe('p_2_0_0');
    await t.db.query(`UPDATE product_popularity SET score = 99 WHERE product_id = 'p_2_0_1'`);
    expect(await top(pool)).toBe('p_2_0_0'); // expired, served while the refresh runs
    await waitFor('the refreshed ranking', async () => (await top(pool)) === 'p_2_0_1', undefined, 5000);
  });
});
