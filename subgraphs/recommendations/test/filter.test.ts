import { randomBytes } from 'node:crypto';
import type { Db } from '@souk/db';
import { createLogger } from '@souk/log';
import {
  MemoryAvailabilityStore,
  PostgresAvailability,
  RedisAvailabilityStore,
  type AvailabilityStore,
  type StockItem,
} from '@souk/realtime';
import { createTestDb, seedSmallMarketplace, testRedisUrl, type Backend, type TestDb } from '@souk/testing';
import { NO_EXPERIMENT } from '../src/experiments';
import { ImpressionLog } from '../src/impressions';
import { CandidateFeatureSource } from '../src/pipeline/candidate-features';
import { RELEVANCE_ONLY } from '../src/pipeline/fairness';
import { AvailabilityFilter } from '../src/pipeline/filter';
import { FallbackChain } from '../src/recommenders/chain';
import type { Candidate, RecommendationRequest, Recommender } from '../src/recommenders/types';
import { RecommendationService } from '../src/service';

// The final filter behind the service, fed by a recommender that knows nothing of stock (as a
// cached list or an embedding index would not): whatever it ranks, nothing unavailable is served.
// seedSmallMarketplace: p_<v>_<b>_<n>, 10 units each except n = 4; every business open.

/** Ranks every supermarket product by id, sold out or not, up to the limit it is asked for. */
class StockBlindRecommender implements Recommender {
  readonly name = 'stock-blind';
  readonly modelVersion = 'test';
  asked = 0;
  constructor(private readonly ids: string[]) {}
  async recommend(req: RecommendationRequest): Promise<Candidate[]> {
    this.asked = req.limit;
    return this.ids.slice(0, req.limit).map((productId, i) => ({ productId, score: 1 / (i + 1), reason: 'test' }));
  }
}

/** A store that answers correctly, but too late. */
class SlowStore implements AvailabilityStore {
  constructor(private readonly inner: AvailabilityStore, private readonly delayMs: number) {}
  setStock(items: readonly StockItem[]) { return this.inner.setStock(items); }
  setBusinessOpen(id: string, open: boolean) { return this.inner.setBusinessOpen(id, open); }
  warm(db: Db) { return this.inner.warm(db); }
  close() { return this.inner.close(); }
  async available(ids: readonly string[]) {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.available(ids);
  }
}

const SUPERMARKET = [0, 1].flatMap((b) => [0, 1, 2, 3, 4].map((n) => `p_2_${b}_${n}`));
const request = (limit: number): RecommendationRequest => ({
  userId: 'u_1', vertical: 'SUPERMARKET', businessId: null, cart: [], limit, time: new Date(), device: null, sessionId: null, location: null,
});

const cases: [string, Backend, (db: Db, prefix: string) => AvailabilityStore, boolean][] = [
  ['redis', 'postgres', (_db, prefix) => new RedisAvailabilityStore(testRedisUrl, { prefix }), false],
  ['memory (embedded)', 'pglite', () => new MemoryAvailabilityStore(), false],
  ['redis unreachable: PostgreSQL fallback', 'postgres', () => new RedisAvailabilityStore('redis://127.0.0.1:1', { prefix: 'down' }), true],
  ['a store slower than its budget: PGlite fallback', 'pglite', () => new SlowStore(new MemoryAvailabilityStore(), 300), true],
];

describe.each(cases)('availability filter with %s', (_name, backend, make, fallsBack) => {
  let t: TestDb;
  let store: AvailabilityStore;
  let filter: AvailabilityFilter;
  let recommender: StockBlindRecommender;
  let service: RecommendationService;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const served = async (limit: number) => (await service.recommend(request(limit))).items.map((i) => i.productId);

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    store = make(t.db, prefix);
    await store.warm(t.db).catch(() => undefined); // the unreachable one cannot be warmed
    const logger = createLogger('test', 'silent');
    filter = new AvailabilityFilter({ store, fallback: new PostgresAvailability(t.db), db: t.db, logger });
    recommender = new StockBlindRecommender(SUPERMARKET);
    // Relevance-only fairness: this suite is about the filter keeping the recommenders' order.
    service = new RecommendationService(new FallbackChain([recommender], logger), filter, new CandidateFeatureSource(t.db as Db), RELEVANCE_ONLY, logger, NO_EXPERIMENT, new ImpressionLog(t.db as Db, logger));
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
    const { Redis } = await import('ioredis');
    const r = new Redis(testRedisUrl);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  it('never serves a sold-out product, keeps the ranked order, and over-fetches to fill the list', async () => {
    const got = await served(6);
    expect(recommender.asked).toBeGreaterThan(6);
    // p_2_0_4 (ranked 5th) is sold out: the 7th ranked fills its place.
    expect(got).toEqual(['p_2_0_0', 'p_2_0_1', 'p_2_0_2', 'p_2_0_3', 'p_2_1_0', 'p_2_1_1']);
    expect(filter.stats.dropped).toBeGreaterThanOrEqual(1);
  });

  it('drops a product sold out a moment ago, and every product of a business that just closed', async () => {
    // As the catalog does it: the database first, then the store.
    await t.db.query(`UPDATE stock SET quantity = 0 WHERE product_id = 'p_2_0_1'`);
    await store.setStock([{ productId: 'p_2_0_1', quantity: 0, businessId: 'b_2_0' }]).catch(() => undefined);
    await t.db.query(`UPDATE businesses SET is_open = false WHERE id = 'b_2_1'`);
    await store.setBusinessOpen('b_2_1', false).catch(() => undefined);
    try {
      expect(await served(10)).toEqual(['p_2_0_0', 'p_2_0_2', 'p_2_0_3']);
    } finally {
      await t.db.query(`UPDATE stock SET quantity = 10 WHERE product_id = 'p_2_0_1'`);
      await store.setStock([{ productId: 'p_2_0_1', quantity: 10, businessId: 'b_2_0' }]).catch(() => undefined);
      await t.db.query(`UPDATE businesses SET is_open = true WHERE id = 'b_2_1'`);
      await store.setBusinessOpen('b_2_1', true).catch(() => undefined);
    }
  });

  it(fallsBack ? 'answered from the database, and counted it' : 'answered from the store, without the database', async () => {
    const before = { fallbacks: filter.stats.fallbacks, queries: t.db.queryCount };
    const started = performance.now();
    expect(await served(3)).toEqual(['p_2_0_0', 'p_2_0_1', 'p_2_0_2']);
    expect(filter.stats.fallbacks - before.fallbacks).toBe(fallsBack ? 1 : 0);
    // One query is the fairness stage's candidate features; the filter adds one only when it falls back.
    expect(t.db.queryCount - before.queries).toBe(fallsBack ? 2 : 1);
    // The budget bounds the wait on a slow store; the database's answer comes on top.
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('availability filter on a store that lost its state', () => {
  it('falls back while it re-warms the store in the background, then uses the store again', async () => {
    const t = await createTestDb('pglite');
    try {
      await seedSmallMarketplace(t.db);
      const store = new MemoryAvailabilityStore(); // never warmed: as a Redis restarted empty
      const filter = new AvailabilityFilter({ store, fallback: new PostgresAvailability(t.db), db: t.db, logger: createLogger('test', 'silent') });
      const ranked = SUPERMARKET.map((productId) => ({ productId }));
      expect((await filter.apply(ranked)).map((c) => c.productId)).toHaveLength(8);
      expect(filter.stats.fallbacks).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(await store.available(['p_2_0_0', 'p_2_0_4'])).toEqual(new Set(['p_2_0_0']));
      await filter.apply(ranked);
      expect(filter.stats.fallbacks).toBe(1);
    } finally {
      await t.drop();
    }
  });
});
