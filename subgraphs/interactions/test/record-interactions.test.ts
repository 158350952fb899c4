import { createLogger } from '@souk/log';
import { MemoryEventBus, type SoukEvent } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { BACKENDS, createTestDb, gql, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { buildInteractionsSubgraph } from '../src/server';

const RECORD = `mutation($events: [InteractionInput!]!) {
  recordInteractions(events: $events) { stored duplicates rejected results { index eventId status error { code message field } } }
}`;

describe.each(BACKENDS)('recordInteractions on %s', (backend) => {
  let t: TestDb;
  let server: RunningSubgraph;
  const bus = new MemoryEventBus();
  const published: SoukEvent<'interactions.recorded'>[] = [];

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    await bus.subscribe('interactions.recorded', (e) => published.push(e));
    const subgraph = buildInteractionsSubgraph({ db: t.db, bus, maxBatch: 5, popularityHalfLifeDays: 14 });
    server = await startSubgraph({ ...subgraph, logger: createLogger('test', 'silent'), port: 0 });
  });
  afterAll(async () => {
    await server.stop();
    await t.drop();
  });

  const count = async () => Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions'))[0].n);

  it('stores the valid events of a batch and reports each rejected one at its index', async () => {
    const res = await gql(server.url, RECORD, {
      events: [
        { eventId: 'e1', userId: 'u_1', productId: 'p_2_0_0', type: 'ADD_TO_CART' },
        { eventId: 'e2', userId: 'nobody', productId: 'p_2_0_0', type: 'VIEW' },
        { eventId: 'e3', userId: 'u_1', productId: 'p_missing', type: 'VIEW' },
        { eventId: 'e4', userId: 'u_1', type: 'SEARCH' },
        { eventId: 'e5', userId: 'u_1', type: 'SEARCH', query: 'حليب' },
      ],
    });
    expect(res.errors).toBeUndefined();
    const r = res.data!.recordInteractions;
    expect([r.stored, r.duplicates, r.rejected]).toEqual([2, 0, 3]);
    expect(r.results.map((x: any) => [x.index, x.status, x.error?.code ?? null])).toEqual([
      [0, 'STORED', null],
      [1, 'REJECTED', 'UNKNOWN_USER'],
      [2, 'REJECTED', 'UNKNOWN_PRODUCT'],
      [3, 'REJECTED', 'MISSING_FIELD'],
      [4, 'STORED', null],
    ]);
    expect(r.results[3].error.message).toMatch(/query is required for SEARCH/);
    expect(await count()).toBe(2);
    const [row] = await t.db.query<{ business_id: string }>("SELECT business_id FROM interactions WHERE event_id = 'e1'");
    expect(row.business_id).toBe('b_2_0'); // filled in from the product
    await new Promise((r) => setTimeout(r, 20));
    expect(published).toContainEqual({ userId: 'u_1', types: expect.arrayContaining(['ADD_TO_CART', 'SEARCH']), productIds: ['p_2_0_0'] });
  });

  it('is idempotent on eventId, within a batch and across batches', async () => {
    const before = await count();
    const popularity = async () => (await t.db.query<{ score: number }>("SELECT score FROM product_popularity WHERE product_id = 'p_2_0_0'"))[0].score;
    const scoreBefore = await popularity();
    const res = await gql(server.url, RECORD, {
      events: [
        { eventId: 'e1', userId: 'u_1', productId: 'p_2_0_0', type: 'ADD_TO_CART' },
        { eventId: 'e6', userId: 'u_2', productId: 'p_2_0_1', type: 'VIEW' },
        { eventId: 'e6', userId: 'u_2', productId: 'p_2_0_1', type: 'VIEW' },
      ],
    });
    expect(res.data!.recordInteractions.results.map((x: any) => x.status)).toEqual(['DUPLICATE', 'STORED', 'DUPLICATE']);
    expect(await count()).toBe(before + 1);
    expect(await popularity()).toBeCloseTo(scoreBefore, 6); // a retry does not count twice
  });

  it('refuses an oversized batch whole, with a code, storing nothing', async () => {
    const before = await count();
    const events = Array.from({ length: 6 }, (_, i) => ({ eventId: `big-${i}`, userId: 'u_3', productId: 'p_0_0_0', type: 'VIEW' }));
    const res = await gql(server.url, RECORD, { events });
    expect(res.errors?.[0].extensions?.code).toBe('BATCH_TOO_LARGE');
    expect(await count()).toBe(before);
  });

  it('answers invalid GraphQL input with a coded error and loses nothing', async () => {
    const before = await count();
    const res = await gql(server.url, RECORD, { events: [{ eventId: 'x', userId: 'u_1', productId: 'p_0_0_0', type: 'TELEPORT' }] });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);
  });

  it('rejects a business that does not own the product, and a rating outside 1..5', async () => {
    const res = await gql(server.url, RECORD, {
      events: [
        { eventId: 'm1', userId: 'u_1', productId: 'p_0_0_0', businessId: 'b_1_0', type: 'CLICK' },
        { eventId: 'm2', userId: 'u_1', productId: 'p_0_0_0', type: 'REVIEW', rating: 9 },
      ],
    });
    expect(res.data!.recordInteractions.results.map((x: any) => x.error.code)).toEqual(['BUSINESS_MISMATCH', 'INVALID_FIELD']);
  });

  it('lists a user\'s recent interactions newest first, batched across users', async () => {
    const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id recentInteractions(first: 5) { eventId type occurredAt } } } }`;
    const queriesBefore = t.db.queryCount;
    const res = await gql(server.url, q, { reps: [{ __typename: 'User', id: 'u_1' }, { __typename: 'User', id: 'u_2' }, { __typename: 'User', id: 'u_3' }] });
    expect(res.errors).toBeUndefined();
    const [u1, u2, u3] = res.data!._entities;
    expect(u1.recentInteractions.map((i: any) => i.eventId).sort()).toEqual(['e1', 'e5']);
    expect(u2.recentInteractions.map((i: any) => i.eventId)).toEqual(['e6']);
    expect(u3.recentInteractions).toEqual([]);
    expect(t.db.queryCount - queriesBefore).toBe(1); // one query for three users: no N+1
  });
});
