import type { Db } from '@souk/db';
import { toVector } from '@souk/db';
import { UserFeatureSource } from '../features/user-features';
import { userFeeds } from '../features/user-inputs';
import type { LiveModel } from './live-model';

export interface IndexRecall {
  users: number;
  k: number;
  efSearch: number;
  probes: number;
  /** The vertical the queries were filtered to; null: unfiltered. */
  vertical: string | null;
  /**
   * Mean over users of the share of the exact top-k that HNSW found. Products with identical
   * vectors tie (the same title sold by many stores embeds identically): an HNSW result at a
   * distance no greater than the exact k-th is as good as the one exact search listed.
   */
  recall: number;
  /** Plain id overlap |HNSW ∩ exact| / k, which counts a tied product as a miss. */
  idOverlap: number;
  hnswP50Ms: number;
  exactP50Ms: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Recall@k of the live table's HNSW index against exact search, for real user vectors: each user
 * is embedded by the live user tower from their features, exactly as a request would. The exact
 * top-k orders by distance with the index disabled (a sequential scan over every embedding).
 */
export async function measureIndexRecall(db: Db, model: LiveModel, userIds: string[], k = 200, efSearch = 400, tieEps = 1e-6, probes = 40, vertical: string | null = null): Promise<IndexRecall> {
  const a = model.artifact;
  const s = a.meta.serving;
  const source = new UserFeatureSource(db, null);
  const spec = { positiveTypes: s.positive_types, historyMax: s.history_max, queryLast: s.query_last, visualLast: s.visual_last };
  // With a vertical: serving's filtered query, which reads that vertical's partition alone.
  const where = vertical === null ? '' : 'WHERE vertical = $3';
  const sql = `SELECT product_id, embedding <=> $1::vector AS d FROM ${model.table} ${where} ORDER BY embedding <=> $1::vector LIMIT $2`;
  const params = (v: string) => (vertical === null ? [v, k] : [v, k, vertical]);
  let sum = 0;
  let overlap = 0;
  let n = 0;
  const hnswMs: number[] = [];
  const exactMs: number[] = [];
  for (const userId of userIds) {
    const f = await source.load(userId, spec, (t) => a.text.embed(t), a.text.id);
    if (!f) continue;
    const [vec] = await a.user.embed(userFeeds(a, f, userId, []), 1);
    const param = toVector(vec);
    const t0 = performance.now();
    const approx = await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('hnsw.ef_search', $1, true), set_config('ivfflat.probes', $2, true)", [String(efSearch), String(probes)]);
      return tx.query<{ product_id: string; d: number }>(sql, params(param));
    });
    const t1 = performance.now();
    const exact = await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('enable_indexscan', 'off', true)");
      return tx.query<{ product_id: string; d: number }>(sql, params(param));
    });
    const t2 = performance.now();
    hnswMs.push(t1 - t0);
    exactMs.push(t2 - t1);
    if (exact.length === 0) continue;
    const truth = new Set(exact.map((r) => r.product_id));
    const kth = Number(exact[exact.length - 1].d) + tieEps;
    sum += Math.min(exact.length, approx.filter((r) => Number(r.d) <= kth).length) / exact.length;
    overlap += approx.filter((r) => truth.has(r.product_id)).length / exact.length;
    n++;
  }
  return { users: n, k, efSearch, probes, vertical, recall: n ? sum / n : 0, idOverlap: n ? overlap / n : 0, hnswP50Ms: median(hnswMs), exactP50Ms: median(exactMs) };
}
