import type { Client } from 'pg';

// The live embedding index (the item_embeddings view) against exact search.
// Queries: the embeddings of randomly sampled products. User vectors come from the ONNX user tower
// inside the server and nothing exposes them, so item vectors stand in: they live in the same
// 128-d space the user tower maps into, and the query product itself is in both answers.
// For each query: the HNSW top-k (SET LOCAL hnsw.ef_search = efSearch, as the server sets it) and
// the exact top-k (SET LOCAL enable_indexscan = off: a sequential scan and a sort on the exact
// cosine distance); recall@k = |HNSW ∩ exact| / k, averaged. The same queries, timed one at a time
// on one connection (the SELECT alone, without BEGIN/SET/COMMIT), give pgvector's latency.

export interface IndexReport {
  skipped?: string;
  queries: number;
  k: number;
  ef_search: number;
  rows: number;
  version: number | null;
  recall: number | null;
  recall_min: number | null;
  pgvector_p50_ms: number | null;
  pgvector_p95_ms: number | null;
  exact_p50_ms: number | null;
  hnsw_plan_uses_index: boolean;
}

const HNSW_SQL = (k: number) => `SELECT product_id FROM item_embeddings ORDER BY embedding <=> $1::vector LIMIT ${k}`;

export async function measureIndex(pg: Client, o: { queries: number; k: number; efSearch: number; probes: number }): Promise<IndexReport> {
  const base = { queries: 0, k: o.k, ef_search: o.efSearch, rows: 0, version: null, recall: null, recall_min: null, pgvector_p50_ms: null, pgvector_p95_ms: null, exact_p50_ms: null, hnsw_plan_uses_index: false };
  const { rows: [info] } = await pg.query<{ rows: number; version: number | null }>('SELECT count(*)::int AS rows, max(version)::int AS version FROM item_embeddings');
  if (info.rows === 0) return { ...base, skipped: 'item_embeddings is empty (no model published)' };
  if (info.rows <= o.k) return { ...base, rows: info.rows, version: info.version, skipped: `item_embeddings has ${info.rows} rows, not more than k=${o.k}` };

  const sample = await pg.query<{ e: string }>('SELECT embedding::text AS e FROM item_embeddings ORDER BY random() LIMIT $1', [o.queries]);
  const vectors = sample.rows.map((r) => r.e);

  const plan = await inTx(pg, [`SET LOCAL hnsw.ef_search = ${o.efSearch}`, `SET LOCAL ivfflat.probes = ${o.probes}`], () =>
    pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${HNSW_SQL(o.k)}`, [vectors[0]]),
  );
  const usesIndex = plan.rows.some((r) => /Index Scan using .*(hnsw|ann)/i.test(r['QUERY PLAN']));

  // Warm the index's pages and the plan cache before timing anything.
  for (const v of vectors.slice(0, 20)) await hnsw(pg, v, o);

  const hnswMs: number[] = [];
  const exactMs: number[] = [];
  const recalls: number[] = [];
  for (const v of vectors) {
    const approx = await hnsw(pg, v, o);
    hnswMs.push(approx.ms);
    const exact = await inTx(pg, ['SET LOCAL enable_indexscan = off', 'SET LOCAL enable_bitmapscan = off'], () => timed(pg, HNSW_SQL(o.k), v));
    exactMs.push(exact.ms);
    const truth = new Set(exact.ids);
    recalls.push(approx.ids.filter((id) => truth.has(id)).length / Math.max(1, truth.size));
  }
  return {
    ...base, queries: vectors.length, rows: info.rows, version: info.version, hnsw_plan_uses_index: usesIndex,
    recall: round(mean(recalls), 4), recall_min: round(Math.min(...recalls), 4),
    pgvector_p50_ms: round(quantile(hnswMs, 0.5), 3), pgvector_p95_ms: round(quantile(hnswMs, 0.95), 3), exact_p50_ms: round(quantile(exactMs, 0.5), 3),
  };
}

// The index query as the server runs it: both index methods' search breadth set (publish builds
// IVFFlat by default, HNSW on request).
async function hnsw(pg: Client, v: string, o: { k: number; efSearch: number; probes: number }) {
  return inTx(pg, [`SET LOCAL hnsw.ef_search = ${o.efSearch}`, `SET LOCAL ivfflat.probes = ${o.probes}`], () => timed(pg, HNSW_SQL(o.k), v));
}

async function timed(pg: Client, sql: string, v: string): Promise<{ ids: string[]; ms: number }> {
  const t0 = performance.now();
  const r = await pg.query<{ product_id: string }>(sql, [v]);
  return { ids: r.rows.map((row) => row.product_id), ms: performance.now() - t0 };
}

async function inTx<T>(pg: Client, settings: string[], body: () => Promise<T>): Promise<T> {
  await pg.query('BEGIN');
  try {
    for (const s of settings) await pg.query(s);
    return await body();
  } finally {
    await pg.query('COMMIT');
  }
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
