import { randomBytes } from 'node:crypto';
import { createHistogram } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { MemoryAvailabilityStore, PostgresAvailability, RedisAvailabilityStore, type AvailabilityStore } from '@souk/realtime';
import { createTestDb, testRedisUrl } from '@souk/testing';

// Cost of Stage 4's availability check: warm() from PostgreSQL, and one available() call for the
// ~200 candidates a list is filtered from, on each backend. Needs PostgreSQL and Redis locally:
//   npx tsx bench/availability.ts [products=100000] [calls=2000] [ids=200]
// Sequential calls, one client: the latency one request sees. The database is created and dropped.
const products = Number(process.argv[2] ?? 100_000);
const calls = Number(process.argv[3] ?? 2000);
const batch = Number(process.argv[4] ?? 200);
const ms = (x: number) => +x.toFixed(3);

async function timeCalls(store: AvailabilityStore): Promise<Record<string, number>> {
  const pick = () => Array.from({ length: batch }, () => `p_${Math.floor(Math.random() * products)}`);
  for (let i = 0; i < 100; i++) await store.available(pick()); // warm-up: JIT, script cache, plans
  const h = createHistogram();
  let kept = 0;
  for (let i = 0; i < calls; i++) {
    const ids = pick();
    const t0 = process.hrtime.bigint();
    kept += (await store.available(ids)).size;
    h.record(Math.max(1, Number(process.hrtime.bigint() - t0))); // nanoseconds
  }
  const f = (ns: number) => ms(ns / 1e6);
  return { p50_ms: f(h.percentile(50)), p99_ms: f(h.percentile(99)), mean_ms: f(h.mean), available_share: +(kept / (calls * batch)).toFixed(3) };
}

(async () => {
  const t = await createTestDb('postgres');
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const redis = new RedisAvailabilityStore(testRedisUrl, { prefix, readTimeoutMs: 1000 });
  try {
    // 1 business in 10 closed, 1 product in 8 sold out.
    const businesses = Math.max(1, Math.round(products / 70));
    await t.db.exec(`
      INSERT INTO businesses (id, vertical, name, is_open, dedup_key)
        SELECT 'b_' || i, 'SUPERMARKET', 'Shop ' || i, i % 10 <> 0, 'b_' || i FROM generate_series(0, ${businesses - 1}) i;
      INSERT INTO products (id, business_id, title, category, price, price_range, dedup_key)
        SELECT 'p_' || i, 'b_' || (i % ${businesses}), 'Item ' || i, 'c', 1, 1, 'p_' || i FROM generate_series(0, ${products - 1}) i;
      INSERT INTO stock (product_id, quantity) SELECT 'p_' || i, CASE WHEN i % 8 = 0 THEN 0 ELSE 5 END FROM generate_series(0, ${products - 1}) i;
      ANALYZE;`);
    const memory = new MemoryAvailabilityStore();
    const results: Record<string, unknown> = { products, businesses, calls, ids_per_call: batch };
    for (const [name, store] of [['memory', memory], ['redis', redis]] as const) {
      const t0 = performance.now();
      await store.warm(t.db);
      results[`${name}_warm_s`] = ms((performance.now() - t0) / 1000);
    }
    results.memory = await timeCalls(memory);
    results.redis = await timeCalls(redis);
    results.postgres_fallback = await timeCalls(new PostgresAvailability(t.db));
    console.log(JSON.stringify(results, null, 2));
  } finally {
    await redis.close();
    const r = new Redis(testRedisUrl);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    await t.drop();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
