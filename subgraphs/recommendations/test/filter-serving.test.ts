import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@souk/config';
import { migrate, PgDb, PgliteDb, type Db } from '@souk/db';
import { startStack, type Stack } from '@souk/launcher';
import { createLogger } from '@souk/log';
import { MemoryEventBus, RedisAvailabilityStore } from '@souk/realtime';
import { startSubgraph } from '@souk/subgraph-kit';
import { createTestDb, freePorts, gql, seedSmallMarketplace, testRedisUrl, type TestDb } from '@souk/testing';
import { buildRecommendationsSubgraph } from '../src/server';

// Stage 4 as a client sees it: the launcher's stack (catalog + recommendations sharing one
// availability store), changes made through the catalog's mutations, and the very next
// recommendations query. On PostgreSQL + Redis, and on the embedded default (PGlite + in-process).
// seedSmallMarketplace: supermarkets b_2_0 and b_2_1, products p_2_<b>_<n>, n = 4 sold out.

const RECOMMEND = `query($c: RecommendationContext) { recommendations(userId: "u_1", context: $c) { items { product { id } } } }`;
const SUPERMARKET = { vertical: 'SUPERMARKET', limit: 10 };
const silent = createLogger('test', 'silent');

async function seed(db: Db): Promise<void> {
  await seedSmallMarketplace(db);
  await db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
}

async function stackConfig(env: Record<string, string>) {
  const [users, catalog, interactions, recommendations, gateway, pglite] = await freePorts(6);
  return loadConfig({
    ...env,
    USERS_PORT: String(users), CATALOG_PORT: String(catalog), INTERACTIONS_PORT: String(interactions),
    RECOMMENDATIONS_PORT: String(recommendations), GATEWAY_PORT: String(gateway), PGLITE_SOCKET_PORT: String(pglite),
    SOUK_HMAC_KEY: 'test-key-0123456789abcdef', LOG_LEVEL: 'silent',
  });
}

type Setup = { stack: Stack; url?: string; drop(): Promise<void> };

const setups: [string, () => Promise<Setup>][] = [
  ['PostgreSQL + Redis', async () => {
    const t: TestDb = await createTestDb('postgres');
    await seed(t.db);
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const stack = await startStack(await stackConfig({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix }), silent, { gateway: false });
    return {
      stack,
      url: t.url,
      drop: async () => {
        await stack.stop();
        await t.drop();
        const { Redis } = await import('ioredis');
        const r = new Redis(testRedisUrl);
        const keys = await r.keys(`${prefix}:*`);
        if (keys.length) await r.del(...keys);
        r.disconnect();
      },
    };
  }],
  ['the embedded default (PGlite, in-process store)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'souk-filter-'));
    const db = await PgliteDb.open(join(dataDir, 'pglite'));
    await migrate(db);
    await seed(db);
    await db.close();
    const stack = await startStack(await stackConfig({ SOUK_DATA_DIR: dataDir }), silent, { gateway: false });
    return { stack, drop: async () => (await stack.stop(), rmSync(dataDir, { recursive: true, force: true })) };
  }],
];

describe.each(setups)('real-time filtering on %s', (_name, setup) => {
  let s: Setup;
  const catalog = (query: string, variables?: Record<string, unknown>) => gql(s.stack.subgraphs.catalog.url, query, variables);
  const recommended = async (context: Record<string, unknown> = SUPERMARKET) => {
    const res = await gql(s.stack.subgraphs.recommendations.url, RECOMMEND, { c: context });
    expect(res.errors).toBeUndefined();
    return res.data!.recommendations.items.map((i: { product: { id: string } }) => i.product.id) as string[];
  };

  beforeAll(async () => {
    s = await setup();
  });
  afterAll(async () => {
    await s?.drop();
  });

  it('serves no product sold out through setStock, from the very next query on', async () => {
    const before = await recommended();
    expect(before).toContain('p_2_0_1');
    expect(before).toHaveLength(8);
    const res = await catalog(`mutation { setStock(productId: "p_2_0_1", quantity: 0) { id } }`);
    expect(res.errors).toBeUndefined();
    const after = await recommended();
    expect(after).not.toContain('p_2_0_1');
    // The same products less the sold-out one (diversity may re-order the rest around the gap).
    expect([...after].sort()).toEqual(before.filter((id) => id !== 'p_2_0_1').sort());
    // And back in stock: it returns just as fast.
    await catalog(`mutation { setStocks(items: [{ productId: "p_2_0_1", quantity: 2 }, { productId: "p_2_0_4", quantity: 1 }]) { id } }`);
    expect(await recommended()).toEqual(expect.arrayContaining(['p_2_0_1', 'p_2_0_4']));
  });

  it('drops every product of a business closed through updateBusiness at once', async () => {
    expect((await recommended()).some((id) => id.startsWith('p_2_1_'))).toBe(true);
    const res = await catalog(`mutation { updateBusiness(id: "b_2_1", input: { isOpen: false }) { isOpen } }`);
    expect(res.data?.updateBusiness.isOpen).toBe(false);
    const after = await recommended();
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((id) => id.startsWith('p_2_1_'))).toEqual([]);
    // A store page of the closed business is empty rather than stale.
    expect(await recommended({ businessId: 'b_2_1' })).toEqual([]);
    await catalog(`mutation { updateBusiness(id: "b_2_1", input: { isOpen: true }) { isOpen } }`);
    expect((await recommended()).some((id) => id.startsWith('p_2_1_'))).toBe(true);
  });

  it('makes a product created with stock servable, and one created closed-for-business not', async () => {
    const created = await catalog(`mutation {
      a: createProduct(input: { id: "p_new_open", businessId: "b_2_0", title: "Fresh arrival", category: "Bakery", price: 3, stock: 4 }) { id }
      b: createBusiness(input: { id: "b_new_closed", vertical: SUPERMARKET, name: "Night market", city: "Dubai", isOpen: false }) { id }
    }`);
    expect(created.errors).toBeUndefined();
    const c = await catalog(`mutation { createProduct(input: { id: "p_new_closed", businessId: "b_new_closed", title: "Dates", category: "Bakery", price: 3, stock: 4 }) { id } }`);
    expect(c.errors).toBeUndefined();
    // Popularity knows nothing of them yet, so no popular pool holds them; give them a score, and a
    // stock change that the pools heed (a product with a score can enter one). The store then decides
    // what the filter lets through.
    await s.stack.db.query(`INSERT INTO product_popularity (product_id, score, events) VALUES ('p_new_open', 100, 1), ('p_new_closed', 100, 1)`);
    const restock = await catalog(`mutation { setStocks(items: [{ productId: "p_new_open", quantity: 4 }, { productId: "p_new_closed", quantity: 4 }]) { id } }`);
    expect(restock.errors).toBeUndefined();
    const got = await recommended({ vertical: 'SUPERMARKET', limit: 20 });
    expect(got).toContain('p_new_open');
    expect(got).not.toContain('p_new_closed');
  });
});

describe('real-time filtering with Redis unreachable', () => {
  let t: TestDb;
  afterAll(async () => {
    await t?.drop();
  });

  it('still serves the correct list, without the sold-out products, from PostgreSQL', async () => {
    t = await createTestDb('postgres');
    await seed(t.db);
    await t.db.query(`UPDATE stock SET quantity = 0 WHERE product_id = 'p_2_0_1'`);
    // An instance whose Redis is gone (nothing listens on port 1), beside one whose store works.
    const db = new PgDb(t.url!);
    const down = new RedisAvailabilityStore('redis://127.0.0.1:1', { prefix: 'down' });
    const subgraph = buildRecommendationsSubgraph({ db, bus: new MemoryEventBus(), logger: silent, maxLimit: 50, pushDebounceMs: 10, availability: down });
    const server = await startSubgraph({ ...subgraph, logger: silent, port: 0 });
    try {
      const started = performance.now();
      const res = await gql(server.url, RECOMMEND, { c: SUPERMARKET });
      const elapsed = performance.now() - started;
      expect(res.errors).toBeUndefined();
      const got = res.data!.recommendations.items.map((i: { product: { id: string } }) => i.product.id);
      expect([...got].sort()).toEqual(['p_2_0_0', 'p_2_0_2', 'p_2_0_3', 'p_2_1_0', 'p_2_1_1', 'p_2_1_2', 'p_2_1_3']);
      expect(subgraph.filter.stats.fallbacks).toBe(1);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await server.stop();
      await down.close();
      await db.close();
    }
  });
});
