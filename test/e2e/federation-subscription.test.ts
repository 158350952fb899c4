import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDb, gql, seedSmallMarketplace, testRedisUrl, type TestDb } from '@souk/testing';
import { startSouk, type RunningSouk } from './harness';

// A mobile client subscribed through the gateway gets a new list when the user adds to the cart:
// interactions publishes on Redis, recommendations recomputes and pushes, the gateway resolves
// product fields from the catalog subgraph for each pushed list.
describe('federated subscription on PostgreSQL + Redis', () => {
  let t: TestDb;
  let souk: RunningSouk;

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    souk = await startSouk({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl });
  }, 120_000);
  afterAll(async () => {
    await souk?.stop();
    await t?.drop();
  });

  it('pushes a fresh list after a cart event', async () => {
    const client = createClient({ url: souk.gatewayUrl.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const lists: { items: { product: { id: string; title: string } }[] }[] = [];
    const errors: unknown[] = [];
    let notify: () => void = () => undefined;
    const dispose = client.subscribe(
      { query: `subscription { recommendationsUpdated(userId: "u_3", context: { vertical: SUPERMARKET, limit: 5 }) { items { product { id title } } } }` },
      {
        next: (msg) => {
          if (msg.errors) errors.push(msg.errors);
          if (msg.data) lists.push((msg.data as any).recommendationsUpdated);
          notify();
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    const waitForLists = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${lists.length} lists, wanted ${n}; errors ${JSON.stringify(errors)}`)), 15_000);
        notify = () => {
          if (lists.length >= n) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });
    try {
      await waitForLists(1);
      const first = lists[0].items.map((i) => i.product.id);
      expect(first).toHaveLength(5);
      expect(lists[0].items[0].product.title).toBe(`Product ${first[0]}`);

      const res = await gql(souk.gatewayUrl, `mutation($e: [InteractionInput!]!) { recordInteractions(events: $e) { stored } }`, {
        e: [{ eventId: 'cart-1', userId: 'u_3', productId: first[0], type: 'ADD_TO_CART' }],
      });
      expect(res.data?.recordInteractions.stored).toBe(1);

      await waitForLists(2);
      const second = lists[1].items.map((i) => i.product.id);
      expect(second).not.toContain(first[0]); // what is in the cart is not recommended back
      expect(errors).toEqual([]);
    } finally {
      dispose();
      await client.dispose();
    }
  });
});
