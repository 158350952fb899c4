import { createLogger } from '@souk/log';
import { MemoryEventBus } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { BACKENDS, createTestDb, gql, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { RELEVANCE_ONLY } from '../src/pipeline/fairness';
import { buildRecommendationsSubgraph } from '../src/server';

const Q = `query($u: ID!, $c: RecommendationContext) {
  recommendations(userId: $u, context: $c) { userId path modelVersion items { rank score reason product { id } } }
}`;

describe.each(BACKENDS)('popularity recommendations on %s', (backend) => {
  let t: TestDb;
  let server: RunningSubgraph;
  let subgraph: ReturnType<typeof buildRecommendationsSubgraph>;
  const ids = (res: any) => res.data.recommendations.items.map((i: any) => i.product.id);

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    // One purchase yesterday outweighs nothing; ten views 90 days ago decay below one purchase today.
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at) VALUES
      ('a', 'u_1', 'p_2_0_0', 'PURCHASE', now() - interval '1 day'),
      ('b', 'u_1', 'p_2_1_1', 'PURCHASE', now() - interval '2 days')`);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at)
      SELECT 'old' || g, 'u_2', 'p_2_0_2', 'VIEW', now() - interval '90 days' FROM generate_series(1, 10) g`);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at)
      SELECT 'oos' || g, 'u_2', 'p_2_0_4', 'PURCHASE', now() FROM generate_series(1, 5) g`); // p_2_0_4 is out of stock
    const { rebuildPopularitySql } = await import('@souk/domain');
    await t.db.query(rebuildPopularitySql(), [14]);
    subgraph = buildRecommendationsSubgraph({ db: t.db, bus: new MemoryEventBus(), logger: createLogger('test', 'silent'), maxLimit: 50, pushDebounceMs: 10, fairness: RELEVANCE_ONLY });
    // (relevance-only: this suite is about the popularity ranking; fairness.test.ts covers stage 3)
    server = await startSubgraph({ ...subgraph, logger: createLogger('test', 'silent'), port: 0 });
  });
  afterAll(async () => {
    await server.stop();
    await t.drop();
  });

  it('ranks by time-decayed popularity within the vertical, in stock only', async () => {
    const res = await gql(server.url, Q, { u: 'u_3', c: { vertical: 'SUPERMARKET', limit: 10 } });
    expect(res.errors).toBeUndefined();
    const got = ids(res);
    expect(got.slice(0, 3)).toEqual(['p_2_0_0', 'p_2_1_1', 'p_2_0_2']);
    expect(got).not.toContain('p_2_0_4'); // out of stock, however popular
    expect(got.every((id: string) => id.startsWith('p_2_'))).toBe(true);
    const items = res.data!.recommendations.items;
    expect(items[0]).toMatchObject({ rank: 1, score: 1 });
    expect(items[1].score).toBeLessThan(1);
    expect(res.data!.recommendations).toMatchObject({ path: 'popularity', modelVersion: 'popularity-v1', userId: 'u_3' });
  });

  it('leaves out what the cart holds, and the products of closed businesses', async () => {
    await t.db.query(`UPDATE businesses SET is_open = false WHERE id = 'b_2_1'`);
    try {
      const got = ids(await gql(server.url, Q, { u: 'u_3', c: { vertical: 'SUPERMARKET', cart: ['p_2_0_0'] } }));
      expect(got).not.toContain('p_2_0_0');
      expect(got.some((id: string) => id.startsWith('p_2_1_'))).toBe(false);
      expect(got[0]).toBe('p_2_0_2');
    } finally {
      await t.db.query(`UPDATE businesses SET is_open = true WHERE id = 'b_2_1'`);
    }
  });

  it('lifts the categories the user engages with, and says so', async () => {
    // u_1 bought Bakery (p_2_0_0: p=0 is Bakery) and Dairy (p_2_1_1); a Dairy view adds affinity.
    const res = await gql(server.url, Q, { u: 'u_1', c: { vertical: 'SUPERMARKET', limit: 3 } });
    expect(res.data!.recommendations.items[0].reason).toMatch(/which you often choose/);
  });

  it('rejects bad context with BAD_USER_INPUT and an unknown business with NOT_FOUND', async () => {
    expect((await gql(server.url, Q, { u: 'u_1', c: { limit: 0 } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(server.url, Q, { u: 'u_1', c: { limit: 51 } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(server.url, Q, { u: 'u_1', c: { time: 'yesterday' } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(server.url, Q, { u: 'u_1', c: { vertical: 'PHARMACY' } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(server.url, Q, { u: 'u_1', c: { businessId: 'b_nope' } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('answers an unknown user with the popular list (the cold path), not an error', async () => {
    const res = await gql(server.url, Q, { u: 'never-seen', c: { vertical: 'SUPERMARKET', limit: 2 } });
    expect(ids(res)).toEqual(['p_2_0_0', 'p_2_1_1']);
  });
});

describe.each(BACKENDS)('cold-start profile path on %s', (backend) => {
  let t: TestDb;
  let server: RunningSubgraph;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    await t.db.query(`INSERT INTO users (id, favourite_categories) VALUES ('cold', '{Dairy}'), ('warm', '{Dairy}')`);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at) VALUES ('w1', 'warm', 'p_2_0_0', 'VIEW', now())`);
    const subgraph = buildRecommendationsSubgraph({ db: t.db, bus: new MemoryEventBus(), logger: createLogger('test', 'silent'), maxLimit: 50, pushDebounceMs: 10, fairness: RELEVANCE_ONLY });
    server = await startSubgraph({ ...subgraph, logger: createLogger('test', 'silent'), port: 0 });
  });
  afterAll(async () => {
    await server.stop();
    await t.drop();
  });

  const ask = (u: string) => gql(server.url, Q, { u, c: { vertical: 'SUPERMARKET', limit: 3 } });

  it('serves a cold user the popular products of their stated categories, and says why', async () => {
    const res = await ask('cold');
    const list = res.data!.recommendations;
    expect(list.path).toBe('profile');
    // The seed's Dairy products are the odd p; their popularity (id length) ties, so the order is by id.
    expect(list.items.map((i: any) => i.product.id)).toEqual(['p_2_0_1', 'p_2_0_3', 'p_2_1_1']);
    expect(list.items[0].reason).toBe('Because you like Dairy');
  });

  it('leaves users with history, and users without preferences, to popularity', async () => {
    expect((await ask('warm')).data!.recommendations.path).toBe('popularity');
    expect((await ask('u_1')).data!.recommendations.path).toBe('popularity');
  });
});
