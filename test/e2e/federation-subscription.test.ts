import { createTestDb, gql, seedSmallMarketplace, testRedisUrl, type TestDb } from '@souk/testing';
import { startSouk, type RunningSouk } from './harness';
import { firstSseEvent, LiveList } from './live';

// A mobile client subscribed through the gateway gets a new list when the user adds to the cart:
// interactions publishes on Redis, recommendations recomputes and pushes, the gateway resolves
// product fields from the catalog subgraph for each pushed list.
describe.each([
  ['gateway in its own process', false],
  ['gateway in the subgraphs\' process (queries in process, subscriptions over WebSocket)', true],
])('federated subscription on PostgreSQL + Redis: %s', (_, oneProcess) => {
  let t: TestDb;
  let souk: RunningSouk;
  const SUB = `subscription { recommendationsUpdated(userId: "u_3", context: { vertical: SUPERMARKET, limit: 5 }) { items { product { id title } } } }`;
  type List = { items: { product: { id: string; title: string } }[] };

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    souk = await startSouk({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl }, { oneProcess });
  }, 120_000);
  afterAll(async () => {
    await souk?.stop();
    await t?.drop();
  });

  it('pushes a fresh list over graphql-ws after a cart event', async () => {
    const live = new LiveList<List>(souk.gatewayUrl, SUB, 'recommendationsUpdated');
    try {
      await live.waitFor(1);
      const first = live.values[0].items.map((i) => i.product.id);
      expect(first).toHaveLength(5);
      expect(live.values[0].items[0].product.title).toBe(`Product ${first[0]}`);

      const res = await gql(souk.gatewayUrl, `mutation($e: [InteractionInput!]!) { recordInteractions(events: $e) { stored } }`, {
        e: [{ eventId: 'cart-1', userId: 'u_3', productId: first[0], type: 'ADD_TO_CART' }],
      });
      expect(res.data?.recordInteractions.stored).toBe(1);

      await live.waitFor(2);
      expect(live.values[1].items.map((i) => i.product.id)).not.toContain(first[0]); // the cart is not recommended back
      expect(live.errors).toEqual([]);
    } finally {
      await live.close();
    }
  });

  it('serves the same subscription over SSE', async () => {
    const event = await firstSseEvent(souk.gatewayUrl, SUB);
    expect(event.errors).toBeUndefined();
    expect(event.data.recommendationsUpdated.items).toHaveLength(5);
  });
});
