import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from './buckets';
import { registry } from './registry';

// The recommendation pipeline's metrics. Label values are names from code (stages, recommenders,
// caches, filter reasons, paths, model versions), never request data, so series stay few.

const stageSeconds = new Histogram({
  name: 'souk_recommendation_stage_seconds',
  help: 'Latency of one stage of the recommendation pipeline',
  labelNames: ['stage'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const recommenderSeconds = new Histogram({
  name: 'souk_recommender_seconds',
  help: 'Latency of one recommender of the fallback chain, by outcome (served, empty, error)',
  labelNames: ['recommender', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const fallbacks = new Counter({
  name: 'souk_recommendation_fallbacks_total',
  help: 'Times a recommender or stage handed over to the next one, and why',
  labelNames: ['from', 'reason'] as const,
  registers: [registry],
});

const filtered = new Counter({
  name: 'souk_recommendation_filtered_items_total',
  help: 'Candidates removed by real-time filtering, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

const cacheHits = new Counter({ name: 'souk_cache_hits_total', help: 'Cache hits, by cache', labelNames: ['cache'] as const, registers: [registry] });
const cacheMisses = new Counter({ name: 'souk_cache_misses_total', help: 'Cache misses, by cache', labelNames: ['cache'] as const, registers: [registry] });

const served = new Counter({
  name: 'souk_recommendations_served_total',
  help: 'Recommendation lists served, by the path and model version that produced them',
  labelNames: ['path', 'model_version'] as const,
  registers: [registry],
});

export type Stage = 'retrieval' | 'rerank' | 'fairness' | 'filter' | (string & {});

function now(): number {
  return performance.now();
}

/**
 * Starts timing a pipeline stage; call the result when the stage ends. It records
 * souk_recommendation_stage_seconds{stage} and returns the elapsed milliseconds (for budgets).
 *
 *   const done = stageTimer('retrieval'); const candidates = await retrieve(); done();
 */
export function stageTimer(stage: Stage): () => number {
  const start = now();
  return () => {
    const ms = now() - start;
    stageSeconds.observe({ stage }, ms / 1000);
    return ms;
  };
}

/** Times one recommender of the fallback chain; the result records how it ended. */
export function recommenderTimer(recommender: string): (outcome: 'served' | 'empty' | 'error' | (string & {})) => void {
  const start = now();
  return (outcome) => recommenderSeconds.observe({ recommender, outcome }, (now() - start) / 1000);
}

export function countFallback(from: string, reason: 'error' | 'empty' | 'timeout' | (string & {})): void {
  fallbacks.inc({ from, reason });
}

export function countFiltered(reason: 'out_of_stock' | 'closed' | 'in_cart' | (string & {}), items = 1): void {
  if (items > 0) filtered.inc({ reason }, items);
}

/** `n` lookups of one outcome at once (a request's batch of products). */
export function countCache(cache: string, hit: boolean, n = 1): void {
  if (n > 0) (hit ? cacheHits : cacheMisses).inc({ cache }, n);
}

export function countServed(path: string, modelVersion: string): void {
  served.inc({ path, model_version: modelVersion });
}

const modelLoads = new Counter({
  name: 'souk_model_loads_total',
  help: 'Attempts to bring a published model live in this process: loaded, refused (it stays off), error (retried)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export function countModelLoad(outcome: 'loaded' | 'refused' | 'error'): void {
  modelLoads.inc({ outcome });
}
