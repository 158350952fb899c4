import { createTestDb, gql, seedSmallMarketplace, testRedisUrl, type TestDb } from '@souk/testing';
import { startSouk, type RunningSouk } from './harness';

// A query through the gateway whose answer spans two subgraphs: recommendations picks the
// products, catalog resolves their titles and stock.
describe('federated query on PostgreSQL + Redis', () => {
  let t: TestDb;
  let souk: RunningSouk;

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at)
      SELECT 'seed-' || p.id, 'u_2', p.id, 'PURCHASE', now() FROM products p`);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    souk = await startSouk({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl });
  }, 120_000);
  afterAll(async () => {
    await souk?.stop();
    await t?.drop();
  });

  it('returns in-stock supermarket products with titles from the catalog subgraph', async () => {
    const res = await gql(souk.gatewayUrl, `{
      recommendations(userId: "u_1", context: { vertical: SUPERMARKET, limit: 20 }) {
        path modelVersion
        items { rank reason product { id title inStock business { vertical } } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const list = res.data!.recommendations;
    expect(list.path).toBe('popularity');
    // Two supermarkets x 5 products, one of each out of stock.
    expect(list.items).toHaveLength(8);
    for (const item of list.items) {
      expect(item.product.business.vertical).toBe('SUPERMARKET');
      expect(item.product.inStock).toBe(true);
      expect(item.product.title).toBe(`Product ${item.product.id}`);
      expect(item.reason).toMatch(/^(Popular|New on Souk)/); // the seeded businesses were created just now
    }
  });

  it('serves title and price with the list: the gateway does not ask the catalog for them', async () => {
    // Catalog operations so far, from the subgraph's own latency histogram (one count per operation).
    const catalogOps = async () => {
      const text = await (await fetch(souk.metricsUrl)).text();
      return [...text.matchAll(/^souk_subgraph_operation_seconds_count\{[^}]*subgraph="catalog"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const query = (fields: string) => gql(souk.gatewayUrl, `{ recommendations(userId: "u_1", context: { vertical: SUPERMARKET, limit: 5 }) { items { product { ${fields} } } } }`);
    const before = await catalogOps();
    const res = await query('id title price');
    expect(res.errors).toBeUndefined();
    const items = res.data!.recommendations.items;
    expect(items).toHaveLength(5);
    for (const { product } of items) {
      expect(product.title).toBe(`Product ${product.id}`);
      expect(product.price).toBe(5 + Number(product.id.split('_')[3])); // the seed's prices
    }
    expect(await catalogOps()).toBe(before);
    // A field only the catalog has still goes there: the counter does see catalog operations.
    expect((await query('id inStock')).errors).toBeUndefined();
    expect(await catalogOps()).toBeGreaterThan(before);
  });

  it('answers an unknown business in the context with NOT_FOUND', async () => {
    const res = await gql(souk.gatewayUrl, `{ recommendations(userId: "u_1", context: { businessId: "nope" }) { path } }`);
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
