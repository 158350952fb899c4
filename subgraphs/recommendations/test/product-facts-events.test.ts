import { createLogger } from '@souk/log';
import { MemoryEventBus } from '@souk/realtime';
import { createTestDb, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { buildRecommendationsSubgraph } from '../src/server';

// The subgraph's product-facts cache hears the catalog: a product.changed on the bus makes the
// next request read that product's facts again (pipeline/product-facts.ts has the cache itself).
describe('product facts follow the catalog', () => {
  let t: TestDb;
  const bus = new MemoryEventBus();
  let subgraph: ReturnType<typeof buildRecommendationsSubgraph>;

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await seedSmallMarketplace(t.db);
    subgraph = buildRecommendationsSubgraph({ db: t.db, bus, logger: createLogger('test', 'silent'), maxLimit: 50, pushDebounceMs: 10 });
    await subgraph.start(); // subscribes to the bus, as the launcher does
  });
  afterAll(async () => {
    await subgraph.stop();
    await t.drop();
  });

  it('reads a changed product again, and only that one', async () => {
    const [a, b] = ['p_0_0_1', 'p_0_0_2'];
    const title = async (id: string) => (await subgraph.productFacts.get([id])).get(id)?.title;
    const [ta, tb] = [await title(a), await title(b)];
    await t.db.query(`UPDATE products SET title = title || ' (new recipe)' WHERE id = ANY($1::text[])`, [[a, b]]);
    await bus.publish('product.changed', { productIds: [a] });
    await new Promise((resolve) => setImmediate(resolve)); // the bus delivers on a later tick, as Redis would
    expect(await title(a)).toBe(`${ta} (new recipe)`);
    expect(await title(b)).toBe(tb); // no event for it: served from the cache until its TTL
  });
});
