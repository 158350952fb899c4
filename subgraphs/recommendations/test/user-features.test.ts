import { randomUUID } from 'node:crypto';
import { MemoryFeatureCache, RedisFeatureCache, type FeatureCache } from '@souk/realtime';
import { BACKENDS, createTestDb, seedSmallMarketplace, testRedisUrl, waitFor, type TestDb } from '@souk/testing';
import { decodeUserFeatures, encodeUserFeatures, UserFeatureSource, type FeatureSpec } from '../src/features/user-features';

const SPEC: FeatureSpec = { positiveTypes: ['VIEW', 'PURCHASE'], historyMax: 50, queryLast: 5, visualLast: 5 };
// A stand-in text encoder: distinct, known vectors per text, and a count of what it was asked.
const encoder = () => {
  const asked: string[] = [];
  const embed = async (texts: string[]) => {
    asked.push(...texts);
    return texts.map((t) => Float32Array.from({ length: 4 }, (_, i) => t.length + i / 3));
  };
  return { asked, embed };
};

describe.each(BACKENDS)('user features on %s', (backend) => {
  let t: TestDb;
  const caches: FeatureCache[] = [];

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at) VALUES
      ('f1', 'u_1', 'p_2_0_0', 'PURCHASE', '2026-11-01T10:00:00Z'),
      ('f2', 'u_1', 'p_2_0_1', 'VIEW', '2026-11-02T10:00:00Z'),
      ('f3', 'u_1', 'p_2_0_2', 'IMPRESSION', '2026-11-03T10:00:00Z')`);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, type, query, occurred_at) VALUES
      ('f4', 'u_1', 'SEARCH', 'oat milk', '2026-11-02T11:00:00Z'),
      ('f5', 'u_1', 'SEARCH', 'bread', '2026-11-02T12:00:00Z')`);
  });
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await t.drop();
  });

  it('reads history, searches and the last interaction of any type in one load, and null for an unknown user', async () => {
    const { asked, embed } = encoder();
    const source = new UserFeatureSource(t.db, null);
    const f = await source.load('u_1', SPEC, embed, 'enc');
    expect(f).not.toBeNull();
    expect(f!.history.map((h) => [h.productId, h.type])).toEqual([['p_2_0_0', 'PURCHASE'], ['p_2_0_1', 'VIEW']]);
    // The impression is not a positive, but it is the user's last interaction: they are not cold.
    expect(f!.lastActiveAt).toBe(Date.parse('2026-11-03T10:00:00Z'));
    expect(asked).toEqual(['oat milk', 'bread']);
    // The mean of the two query vectors, as float32.
    Array.from(f!.queryVec!).forEach((x, i) => expect(x).toBeCloseTo((8 + 5) / 2 + i / 3, 5));
    expect((await source.load('u_2', SPEC, embed, 'enc'))!.lastActiveAt).toBeNull();
    expect(await source.load('nobody', SPEC, embed, 'enc')).toBeNull();
  });

  it.each([
    ['in process', () => new MemoryFeatureCache()],
    ['Redis', () => new RedisFeatureCache(testRedisUrl, { prefix: `souk-test-${randomUUID()}` })],
  ])('serves a second load from the cache (%s), the same features exactly', async (_, open) => {
    const cache = open();
    caches.push(cache);
    // Redis connects asynchronously and queues nothing: wait until a write goes through.
    await waitFor('feature cache', async () => {
      await cache.set('probe', 'x');
      return true;
    }, undefined, 5000);
    const source = new UserFeatureSource(t.db, cache);
    const first = encoder();
    const loaded = await source.load('u_1', SPEC, first.embed, 'enc');
    for (let i = 0; i < 50 && !(await cache.get('u_1')); i++) await new Promise((r) => setTimeout(r, 10)); // the store is not awaited
    const again = encoder();
    const hit = await source.load('u_1', SPEC, again.embed, 'enc');
    expect(again.asked).toEqual([]); // no database read needed the encoder
    expect(hit).toEqual(loaded);
    expect(hit!.queryVec).toBeInstanceOf(Float32Array);
    // Another encoder's entry is recomputed.
    const other = encoder();
    await source.load('u_1', SPEC, other.embed, 'other-enc');
    expect(other.asked.length).toBeGreaterThan(0);
  });
});

describe('user feature cache entries', () => {
  const features = {
    userId: 'u', ageGroup: null, gender: 'f', city: null, favouriteCategories: ['Dairy'], favouriteBrands: [], history: [],
    queryVec: Float32Array.from([0.1, -2.5, 1e-7]), visualVec: null, lastActiveAt: 5, encoder: 'enc', format: 3,
  };

  it('round-trips the vectors bit for bit, nulls included', () => {
    const back = decodeUserFeatures(encodeUserFeatures(features));
    expect(back).toEqual(features);
    expect(Array.from(back!.queryVec!)).toEqual(Array.from(features.queryVec));
  });

  it('refuses an entry of another layout, so that it is recomputed', () => {
    expect(decodeUserFeatures(JSON.stringify({ ...features, queryVec: [0.1, -2.5], format: 2 }))).toBeNull();
  });
});
