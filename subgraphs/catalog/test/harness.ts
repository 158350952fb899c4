import type { Db } from '@souk/db';
import { createLogger } from '@souk/log';
import { MemoryAvailabilityStore, MemoryEventBus, type SoukEvent, type Topic } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { createTestDb, type Backend, type TestDb } from '@souk/testing';
import { buildCatalogSubgraph } from '../src/server';

// Each test file gets a fresh, migrated database per backend and a real catalog subgraph on an
// ephemeral port, queried over HTTP, so errors pass through the same formatError as production.

export interface GqlResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface Harness {
  db: Db;
  events: { topic: Topic; event: SoukEvent }[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Waits for the bus's deferred deliveries, then returns and forgets what was published. */
  takeEvents(): Promise<{ topic: Topic; event: SoukEvent }[]>;
  close(): Promise<void>;
}

const TOPICS: Topic[] = ['stock.changed', 'business.changed', 'product.created', 'product.changed'];

export async function startHarness(backend: Backend): Promise<Harness> {
  const testDb: TestDb = await createTestDb(backend);
  const bus = new MemoryEventBus();
  const events: { topic: Topic; event: SoukEvent }[] = [];
  for (const topic of TOPICS) await bus.subscribe(topic, (event) => events.push({ topic, event }));
  const running: RunningSubgraph = await startSubgraph({
    ...buildCatalogSubgraph({ db: testDb.db, bus, availability: new MemoryAvailabilityStore() }),
    logger: createLogger('catalog-test', 'silent'),
    port: 0,
  });
  return {
    db: testDb.db,
    events,
    async gql(query, variables) {
      const res = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GqlResult<any>;
    },
    async takeEvents() {
      await new Promise((r) => setImmediate(r));
      return events.splice(0);
    },
    async close() {
      await running.stop();
      await bus.close();
      await testDb.drop();
    },
  };
}

/** The code of the one error a response carries. */
export function errorCode(res: GqlResult): unknown {
  expect(res.errors).toHaveLength(1);
  return res.errors![0].extensions?.code;
}

/**
 * Plain-SQL seed: `businesses` businesses cycling through the verticals, `perBusiness` products
 * each (p_<b>_<n>, ids sortable), stock (n * 3) % 8 units, so some are out, some low, some in stock.
 */
export async function seed(db: Db, businesses: number, perBusiness: number): Promise<void> {
  await db.exec(`
    INSERT INTO businesses (id, vertical, name, city, lat, lon, is_open, dedup_key)
    SELECT 'b_' || lpad(i::text, 3, '0'),
           (ARRAY['RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'])[1 + (i - 1) % 3],
           'Shop ' || i, 'Dubai', 25.2, 55.27, true, 'shop ' || i || '|dubai'
    FROM generate_series(1, ${businesses}) AS i;
    INSERT INTO products (id, business_id, title, description, category, brand, price, price_range, attributes, dedup_key)
    SELECT 'p_' || lpad(b::text, 3, '0') || '_' || lpad(n::text, 3, '0'), 'b_' || lpad(b::text, 3, '0'),
           'Item ' || b || '-' || n, 'Seeded item', CASE WHEN n % 2 = 0 THEN 'dairy' ELSE 'snacks' END, 'Acme',
           n * 1.5, 1 + n % 4, '{"size": "1L"}', 'b_' || lpad(b::text, 3, '0') || '|item ' || b || '-' || n
    FROM generate_series(1, ${businesses}) AS b, generate_series(1, ${perBusiness}) AS n;
    INSERT INTO stock (product_id, quantity)
    SELECT id, (substr(id, 7)::int * 3) % 8 FROM products;
  `);
}
