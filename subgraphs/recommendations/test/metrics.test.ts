import { createLogger } from '@souk/log';
import { registry } from '@souk/observability';
import { MemoryEventBus } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { createTestDb, gql, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { FallbackChain } from '../src/recommenders/chain';
import { PopularityRecommender } from '../src/recommenders/popularity';
import { PopularPool } from '../src/recommenders/popular-pool';
import type { RecommendationRequest, Recommender } from '../src/recommenders/types';
import { buildRecommendationsSubgraph } from '../src/server';

const Q = `query Recommend($u: ID!, $c: RecommendationContext) { recommendations(userId: $u, context: $c) { path items { product { id } } } }`;

/** One sample of the process registry, e.g. value('souk_recommender_seconds_count', { recommender: 'popularity' }). */
async function value(sample: string, labels: Record<string, string>): Promise<number> {
  for (const m of await registry.getMetricsAsJSON()) {
    for (const v of m.values as { labels: Record<string, string | number>; value: number; metricName?: string }[]) {
      if ((v.metricName ?? m.name) === sample && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l)) return v.value;
    }
  }
  return 0;
}

describe('recommendation metrics', () => {
  let t: TestDb;
  let server: RunningSubgraph;

  beforeAll(async () => {
    t = await createTestDb('pglite');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    const logger = createLogger('test', 'silent');
    const subgraph = buildRecommendationsSubgraph({ db: t.db, bus: new MemoryEventBus(), logger, maxLimit: 50, pushDebounceMs: 10 });
    server = await startSubgraph({ ...subgraph, logger, port: 0 });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it('exposes per-operation latency, recommender latency and served lists on /metrics after a few requests', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await gql(server.url, Q, { u: `u_${i}`, c: { vertical: 'SUPERMARKET', limit: 5 } });
      expect(res.errors).toBeUndefined();
    }
    const notFound = await gql(server.url, Q, { u: 'u_1', c: { businessId: 'nope' } });
    expect(notFound.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/^# TYPE souk_subgraph_operation_seconds histogram$/m);
    expect(text).toMatch(/^souk_subgraph_operation_seconds_count\{subgraph="recommendations",operation="Recommend",type="query"\} 6$/m);
    expect(text).toMatch(/^souk_subgraph_errors_total\{subgraph="recommendations",code="NOT_FOUND"\} 1$/m);
    expect(text).toMatch(/^souk_recommendations_served_total\{path="popularity",model_version="popularity-v1"\} 5$/m);
    expect(text).toMatch(/^souk_recommender_seconds_count\{recommender="popularity",outcome="served"\} 5$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);

    // Sensible values: every operation took some time, none anywhere near a second, and the
    // recommender's share is at most the operation's.
    const opSum = await value('souk_subgraph_operation_seconds_sum', { operation: 'Recommend' });
    const recSum = await value('souk_recommender_seconds_sum', { recommender: 'popularity', outcome: 'served' });
    expect(opSum).toBeGreaterThan(0);
    expect(opSum / 6).toBeLessThan(1);
    expect(recSum).toBeGreaterThan(0);
    expect(recSum).toBeLessThanOrEqual(opSum);
    expect(await value('souk_subgraph_operation_seconds_bucket', { operation: 'Recommend', le: '1' })).toBe(6);
  });

  it('counts a fallback when a recommender fails or finds nothing, and times each one', async () => {
    const broken: Recommender = { name: 'broken', modelVersion: 'x', recommend: () => Promise.reject(new Error('model file missing')) };
    const empty: Recommender = { name: 'empty', modelVersion: 'y', recommend: async () => [] };
    const chain = new FallbackChain([broken, empty, new PopularityRecommender(t.db, new PopularPool(t.db))], createLogger('test', 'silent'));
    const req: RecommendationRequest = {
      userId: 'u_1', vertical: 'SUPERMARKET', businessId: null, cart: [], limit: 5, time: new Date(), device: null, sessionId: null, location: null,
    };
    const before = await value('souk_recommendation_fallbacks_total', { from: 'broken', reason: 'error' });
    const result = await chain.recommend(req);
    expect(result.path).toBe('broken>empty>popularity');
    expect(await value('souk_recommendation_fallbacks_total', { from: 'broken', reason: 'error' })).toBe(before + 1);
    expect(await value('souk_recommendation_fallbacks_total', { from: 'empty', reason: 'empty' })).toBe(1);
    expect(await value('souk_recommender_seconds_count', { recommender: 'broken', outcome: 'error' })).toBe(1);
    expect(await value('souk_recommender_seconds_count', { recommender: 'empty', outcome: 'empty' })).toBe(1);
    // The last of the chain has nobody to hand over to: an empty answer there is no fallback.
    await new FallbackChain([empty], createLogger('test', 'silent')).recommend(req);
    expect(await value('souk_recommendation_fallbacks_total', { from: 'empty', reason: 'empty' })).toBe(1);
  });
});
