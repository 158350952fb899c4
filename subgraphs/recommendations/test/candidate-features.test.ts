import type { Db } from '@souk/db';
import { createTestDb, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { CandidateFeatureSource } from '../src/pipeline/candidate-features';

// The fairness stage's facts about candidates: business facts come from the process, so a list
// whose recommender already knew each product's business and category costs no query at all.
describe('candidate features for the fairness stage (PGlite)', () => {
  let t: TestDb;
  let source: CandidateFeatureSource;

  beforeAll(async () => {
    t = await createTestDb('pglite');
    await seedSmallMarketplace(t.db);
    source = new CandidateFeatureSource(t.db as Db);
  });
  afterAll(async () => t.drop());

  it('reads products and businesses it does not know, then answers known candidates without the database', async () => {
    const first = await source.load([{ productId: 'p_2_0_0' }, { productId: 'p_2_1_3' }]);
    expect(first.get('p_2_0_0')).toMatchObject({ businessId: 'b_2_0', businessName: 'SUPERMARKET shop 0' });
    expect(first.get('p_2_1_3')?.businessId).toBe('b_2_1');
    expect(first.get('p_2_0_0')?.businessAgeDays).toBeGreaterThanOrEqual(0);
    expect(first.get('p_2_0_0')?.businessAgeDays).toBeLessThan(1);

    const before = t.db.queryCount;
    const given = { productId: 'p_2_0_1', businessId: 'b_2_0', category: 'given-category', title: 'Given title', price: 1.5 };
    const again = await source.load([given]);
    const described = await source.describe([given]);
    expect(t.db.queryCount).toBe(before);
    // The recommender's facts are used as given.
    expect(again.get('p_2_0_1')).toMatchObject({ businessId: 'b_2_0', category: 'given-category', businessName: 'SUPERMARKET shop 0', title: 'Given title', price: 1.5 });
    expect(described).toEqual([given]);
  });

  it('describes candidates without facts from the products table, leaving out products that do not exist', async () => {
    const got = await source.describe([{ productId: 'p_2_0_3', score: 1 }, { productId: 'gone', score: 0.5 }]);
    expect(got).toEqual([{ productId: 'p_2_0_3', score: 1, title: 'Product p_2_0_3', price: 8 }]);
  });

  it('re-reads a business it was told changed', async () => {
    await t.db.query(`UPDATE businesses SET name = 'Renamed' WHERE id = 'b_2_0'`);
    const facts = { productId: 'p_2_0_0', businessId: 'b_2_0', category: 'c', title: 't', price: 1 };
    const stale = await source.load([facts]);
    expect(stale.get('p_2_0_0')?.businessName).toBe('SUPERMARKET shop 0');
    source.forget(['b_2_0']);
    const fresh = await source.load([facts]);
    expect(fresh.get('p_2_0_0')?.businessName).toBe('Renamed');
  });

  it('drops candidates whose product or business does not exist, and knows which businesses exist', async () => {
    const got = await source.load([{ productId: 'no-such-product' }, { productId: 'x', businessId: 'no-such-business', category: 'c', title: 't', price: 1 }, { productId: 'p_2_0_2' }]);
    expect([...got.keys()]).toEqual(['p_2_0_2']);
    expect(await source.hasBusiness('b_2_1')).toBe(true);
    expect(await source.hasBusiness('no-such-business')).toBe(false);
  });
});
