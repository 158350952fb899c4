import { createHistogram } from 'node:perf_hooks';

// Latency of the README's example query through a running gateway (`npm run demo` first):
//   npx tsx bench/demo-query.ts [url] [requests]
// Sequential requests, one client: the latency a single frontend sees, not throughput.
const url = process.argv[2] ?? 'http://localhost:4000/graphql';
const requests = Number(process.argv[3] ?? 500);
const query = `query($u: ID!, $v: Vertical) { recommendations(userId: $u, context: { vertical: $v, limit: 10 }) {
  path items { rank score reason product { id title price stockStatus business { name } } } } }`;
const verticals = ['SUPERMARKET', 'RESTAURANT', 'CONVENIENCE'];

async function once(i: number): Promise<number> {
  const body = JSON.stringify({ query, variables: { u: `u_${String(i % 2000).padStart(6, '0')}`, v: verticals[i % 3] } });
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await res.json()) as { errors?: unknown[] };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return performance.now() - t0;
}

(async () => {
  for (let i = 0; i < 20; i++) await once(i); // warm-up: JIT, connection pools, query plans
  const h = createHistogram();
  for (let i = 0; i < requests; i++) h.record(Math.max(1, Math.round((await once(i)) * 1000))); // microseconds
  const ms = (us: number) => +(us / 1000).toFixed(2);
  console.log(JSON.stringify({ requests, p50_ms: ms(h.percentile(50)), p95_ms: ms(h.percentile(95)), p99_ms: ms(h.percentile(99)), max_ms: ms(h.max) }));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
