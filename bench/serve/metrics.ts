// Per-stage latency from the recommendations subgraph's Prometheus histograms: scraped before and
// after the load, bucket counts subtracted, and p50/p99 estimated the way PromQL's
// histogram_quantile does (linear interpolation inside the bucket that holds the rank; a rank in
// the +Inf bucket can only be reported as "more than the last finite bound").

export type Histograms = Map<string, { buckets: Map<number, number>; count: number; sum: number }>;

export interface Quantiles {
  count: number;
  mean_ms: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  /** The bucket bounds (ms) around each estimate: how much to trust it. */
  p50_bucket_ms: [number, number | null] | null;
  p99_bucket_ms: [number, number | null] | null;
}

export async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** Series of histogram `name`, keyed by the values of `keyLabels` joined with "/" (other labels are summed). */
export function parseHistograms(text: string, name: string, keyLabels: string[]): Histograms {
  const out: Histograms = new Map();
  const entry = (key: string) => {
    let e = out.get(key);
    if (!e) out.set(key, (e = { buckets: new Map(), count: 0, sum: 0 }));
    return e;
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    const key = keyLabels.map((l) => labels[l] ?? '').join('/');
    const value = Number(m[3]);
    if (m[1] === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const e = entry(key);
      e.buckets.set(le, (e.buckets.get(le) ?? 0) + value);
    } else if (m[1] === `${name}_count`) entry(key).count += value;
    else if (m[1] === `${name}_sum`) entry(key).sum += value;
  }
  return out;
}

export function subtract(after: Histograms, before: Histograms): Histograms {
  const out: Histograms = new Map();
  for (const [key, a] of after) {
    const b = before.get(key);
    const buckets = new Map([...a.buckets].map(([le, n]) => [le, n - (b?.buckets.get(le) ?? 0)]));
    out.set(key, { buckets, count: a.count - (b?.count ?? 0), sum: a.sum - (b?.sum ?? 0) });
  }
  return out;
}

/** histogram_quantile over cumulative buckets (seconds); null without observations. */
export function bucketQuantile(buckets: Map<number, number>, q: number): { value: number; lower: number; upper: number | null } | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? buckets.get(bounds[bounds.length - 1]) ?? 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const le of bounds) {
    const n = buckets.get(le) ?? 0;
    if (n >= rank) {
      if (le === Infinity) return { value: prevBound, lower: prevBound, upper: null };
      const value = n === prevCount ? le : prevBound + ((le - prevBound) * (rank - prevCount)) / (n - prevCount);
      return { value, lower: prevBound, upper: le };
    }
    prevBound = le;
    prevCount = n;
  }
  return { value: prevBound, lower: prevBound, upper: null };
}

export function quantiles(h: Histograms): Record<string, Quantiles> {
  const ms = (s: number) => Math.round(s * 1e6) / 1e3;
  const out: Record<string, Quantiles> = {};
  for (const [key, e] of [...h].sort(([a], [b]) => a.localeCompare(b))) {
    if (e.count <= 0) continue;
    const p50 = bucketQuantile(e.buckets, 0.5);
    const p99 = bucketQuantile(e.buckets, 0.99);
    out[key] = {
      count: e.count,
      mean_ms: ms(e.sum / e.count),
      p50_ms: p50 && ms(p50.value),
      p99_ms: p99 && ms(p99.value),
      p50_bucket_ms: p50 && [ms(p50.lower), p50.upper === null ? null : ms(p50.upper)],
      p99_bucket_ms: p99 && [ms(p99.lower), p99.upper === null ? null : ms(p99.upper)],
    };
  }
  return out;
}

export const STAGE_HISTOGRAM = 'souk_recommendation_stage_seconds';

/**
 * The same request seen from each layer, outermost first (histograms keyed by operation name): the
 * gateway's HTTP handling, its call to the recommendations subgraph, and that subgraph's Apollo
 * operation. What the client sees beyond the first is the network and the client itself.
 */
export const LAYER_HISTOGRAMS: readonly { layer: string; name: string; keys: string[]; key: (op: string) => string }[] = [
  { layer: 'gateway http', name: 'graphql_yoga_http_duration', keys: ['operationName'], key: (op) => op },
  { layer: 'gateway -> subgraph', name: 'graphql_gateway_subgraph_execute_duration', keys: ['subgraphName', 'operationName'], key: (op) => `recommendations/${op}` },
  { layer: 'subgraph operation', name: 'souk_subgraph_operation_seconds', keys: ['subgraph', 'operation'], key: (op) => `recommendations/${op}` },
];

/** p50/p99 of one operation at each layer over the load. */
export function layerQuantiles(before: string, after: string, operation: string): Record<string, Quantiles> {
  const out: Record<string, Quantiles> = {};
  for (const l of LAYER_HISTOGRAMS) {
    const h = subtract(parseHistograms(after, l.name, l.keys), parseHistograms(before, l.name, l.keys));
    const q = quantiles(new Map([...h].filter(([k]) => k === l.key(operation))));
    const one = Object.values(q)[0];
    if (one) out[l.layer] = one;
  }
  return out;
}
export const RECOMMENDER_HISTOGRAM = 'souk_recommender_seconds';

/**
 * How the serving process's event loop fared over the load: prom-client's default metrics. The
 * loop-delay gauges cover the time since the previous scrape (prom-client resets them on each
 * collect), so the scrape after the load reads the load alone. Node runs JavaScript on one thread,
 * so a loop delay is time every queued request waited; GC pauses are part of it.
 */
// prom-client samples the loop every 10 ms (eventLoopMonitoringPrecision) and records the whole
// interval between samples, so an idle loop reads 10 ms: the report gives what is beyond it.
const LOOP_SAMPLE_MS = 10;

export interface LoopReport {
  /** How late the 10 ms sampling timer fired (the interval less 10 ms): p50, p99 and the worst, in ms. */
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_max_ms: number | null;
  /** GC pauses during the load by kind (minor, major, incremental, weakcb): how many, and their sum. */
  gc: Record<string, { count: number; total_ms: number }>;
}

function lateMs(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
  return m ? Math.max(0, Math.round(Number(m[1]) * 1e6 - LOOP_SAMPLE_MS * 1e3) / 1e3) : null;
}

export function loopReport(before: string, after: string): LoopReport {
  const gcName = 'nodejs_gc_duration_seconds';
  const gc = subtract(parseHistograms(after, gcName, ['kind']), parseHistograms(before, gcName, ['kind']));
  return {
    lag_p50_ms: lateMs(after, 'nodejs_eventloop_lag_p50_seconds'),
    lag_p99_ms: lateMs(after, 'nodejs_eventloop_lag_p99_seconds'),
    lag_max_ms: lateMs(after, 'nodejs_eventloop_lag_max_seconds'),
    gc: Object.fromEntries([...gc].filter(([, e]) => e.count > 0).map(([kind, e]) => [kind, { count: e.count, total_ms: Math.round(e.sum * 1e4) / 10 }])),
  };
}
