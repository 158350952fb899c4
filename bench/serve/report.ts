import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FreshnessTrial } from './freshness';
import type { IndexReport } from './index-recall';
import type { LoadResult } from './load';
import type { LoopReport, Quantiles } from './metrics';
import type { StealReport } from './steal';
import { GATEWAY_HTTP, type SecondStages } from './timeline';
import type { LatencySplit, SwapReport } from './swaps';
import type { UserRecall } from './user-recall';

// The summary a person reads, then one JSON line for machines (the same object is written to
// .souk/bench/serve-<timestamp>.json with everything else that was measured).

export interface ReportInput {
  config: Record<string, unknown>;
  dataset: Record<string, unknown>;
  machine: { cpus: number; loadavg_before: number[]; loadavg_after: number[] };
  /** The hypervisor's steal over the load (steal.ts); null where /proc/stat has none. */
  steal: StealReport | null;
  /** Each stage's mean per second of the load (--timeline); null without it. */
  stagesBySecond: SecondStages[] | null;
  stack_warnings: { total: number; top: unknown[] };
  model: Record<string, unknown> | null;
  load: LoadResult;
  swaps: SwapReport | null;
  freshness: FreshnessTrial[];
  index: IndexReport;
  userRecall: UserRecall | { error: string } | null;
  stages: Record<string, Quantiles> | null;
  recommenders: Record<string, Quantiles> | null;
  /** The load's operation at the gateway and in the subgraph (metrics.ts LAYER_HISTOGRAMS). */
  layers: Record<string, Quantiles> | null;
  /** The serving process's event loop and GC over the load (one-process: the whole stack). */
  loop: LoopReport | null;
  stageNote?: string;
  notes: string[];
}

const ms = (us: number) => Math.round(us) / 1000;

export function buildResult(r: ReportInput): Record<string, unknown> {
  const l = r.load;
  const loadSeconds = (l.endedAt - l.startedAt) / 1000;
  const fresh = r.freshness.map((t) => t.seconds);
  const seen = fresh.filter((s): s is number => s !== null);
  const allSeen = fresh.length > 0 && seen.length === fresh.length;
  const users = r.userRecall && !('error' in r.userRecall) ? r.userRecall : null;
  return {
    p50_ms: ms(l.latency.percentile(50)),
    p95_ms: ms(l.latency.percentile(95)),
    p99_ms: ms(l.latency.percentile(99)),
    rps: Math.round((l.ok / loadSeconds) * 10) / 10,
    errors: l.errors.total,
    [`index_recall@${r.index.k}`]: users ? round(users.recall, 4) : r.index.recall,
    freshness_s: allSeen ? round(Math.max(...seen), 2) : null,
    swap_failed_requests: r.swaps ? r.swaps.failed_requests : null,
    pgvector_p50_ms: r.index.pgvector_p50_ms,
    // Extras.
    max_ms: ms(l.latency.max),
    target_rps: r.config.rps,
    requests: l.sent,
    ok: l.ok,
    load_s: round(loadSeconds, 1),
    stopped_at_max: l.stoppedAtMax,
    aborted: l.aborted,
    error_kinds: l.errors,
    error_samples: l.errorSamples,
    failures: l.failures,
    empty_lists_known_users: l.empty.known,
    empty_lists_unknown_users: l.empty.unknown,
    requests_by_user_kind: l.byKind,
    send_lag_p99_ms: ms(l.sendLag.percentile(99)),
    tail: tailClusters(l),
    paths: l.paths,
    model_versions_served: [...l.versions.keys()],
    freshness_median_s: seen.length ? round(median(seen), 2) : null,
    freshness_trials_s: fresh,
    freshness_timeouts: fresh.length - seen.length,
    freshness: r.freshness,
    swaps: r.swaps,
    index_recall_source: users ? 'user vectors (live user tower, bench/index-recall.ts)' : r.index.recall === null ? null : 'item vectors (proxy)',
    index_recall_item_vectors: r.index.recall,
    index: r.index,
    user_recall: r.userRecall,
    stages: r.stages,
    recommenders: r.recommenders,
    layers: r.layers,
    event_loop: r.loop,
    dataset: r.dataset,
    machine: r.machine,
    steal: r.steal,
    stages_by_second: r.stagesBySecond,
    stack_warnings: r.stack_warnings,
    model: r.model,
    config: r.config,
    notes: r.notes,
  };
}

export function printSummary(result: Record<string, unknown>, r: ReportInput, say: (s: string) => void): void {
  const row = (k: string, v: unknown) => say(`  ${k.padEnd(28)} ${v === null || v === undefined ? '-' : String(v)}`);
  const l = r.load;
  say('\nLoad through the gateway (open model, latency from the due time)');
  row('target / achieved rps', `${r.config.rps} / ${result.rps} (ok answers per second over ${result.load_s} s)`);
  row('requests (ok)', `${l.sent} (${l.ok})`);
  if (l.aborted) row('STOPPED EARLY', l.aborted);
  row('latency p50 / p95 / p99 / max', `${result.p50_ms} / ${result.p95_ms} / ${result.p99_ms} / ${result.max_ms} ms`);
  row('errors (http/graphql/net)', `${l.errors.total} (${l.errors.http}/${l.errors.graphql}/${l.errors.network})`);
  for (const e of l.errorSamples.slice(0, 3)) row('  e.g.', e);
  row('empty lists (known/unknown)', `${l.empty.known} / ${l.empty.unknown}`);
  row('paths', Object.entries(l.paths).map(([p, n]) => `${p}=${n}`).join(' '));
  row('model versions served', [...l.versions.keys()].join(', '));
  row('client send lag p99', `${result.send_lag_p99_ms} ms`);
  const tail = result.tail as ReturnType<typeof tailClusters>;
  row('requests >= p99, when', `${tail.requests} in ${tail.seconds} distinct seconds; most at ${tail.worst.map((w) => `${w.at_s} s (${w.requests})`).join(', ')}`);
  row('machine load average', `${r.machine.loadavg_before.join(' ')} before, ${r.machine.loadavg_after.join(' ')} after (${r.machine.cpus} cores)`);
  if (r.steal) {
    // Each of the worst seconds with the steal in it and in the second before (a burst that ends a
    // second can slow the requests of the next).
    const near = (s: number) => r.steal!.bursts.filter((b) => b.at_s === s || b.at_s === s - 1).reduce((a, b) => a + b.ms, 0);
    row('steal (hypervisor), all cpus', `${Math.round(r.steal.total_ms)} ms over the load; seconds with >= ${r.steal.burst_ms} ms: ${r.steal.bursts.map((b) => `${b.at_s} s (${Math.round(b.ms)})`).join(', ') || 'none'}`);
    row('  in the worst seconds', tail.worst.map((w) => `${w.at_s} s: ${Math.round(near(w.at_s))} ms`).join(', ') || '-');
  }

  say('\nModel swaps during the load');
  if (!r.swaps) row('swaps', r.model ? 'none (--swaps 0)' : 'none (no model)');
  else {
    for (const [i, s] of r.swaps.swaps.entries()) {
      row(`swap ${i + 1}`, s.ok ? `v${s.version} in ${s.seconds} s; first served ${s.first_served_after_end_s === null ? 'never' : `${s.first_served_after_end_s} s after the CLI returned`}` : `failed: ${s.error}`);
    }
    row('failed requests in window', `${r.swaps.failed_requests} of ${r.swaps.requests_in_window} (window ${r.swaps.window_s} s)`);
    const split = (x: LatencySplit) => `${x.p50_ms ?? '-'} / ${x.p99_ms ?? '-'} / ${x.max_ms ?? '-'} ms over ${x.requests}`;
    row('p50 / p99 / max in window', split(r.swaps.latency_in_window));
    row('  outside the window', split(r.swaps.latency_outside_window));
    row('served versions moved', r.swaps.versions_moved);
  }

  say('\nFreshness (createProduct -> in the business page list)');
  for (const [i, t] of r.freshness.entries()) row(`trial ${i + 1}`, t.seconds === null ? `not seen within the timeout${t.error ? ` (${t.error})` : ''}` : `${t.seconds.toFixed(2)} s (${t.polls} polls; ${t.path} ${t.modelVersion})`);
  row('freshness max / median', `${result.freshness_s ?? 'null'} / ${result.freshness_median_s ?? 'null'} s`);

  say(`\nIndex (item_embeddings, ${r.index.rows} rows, version ${r.index.version ?? '-'})`);
  if (r.index.skipped) row('skipped', r.index.skipped);
  else {
    row(`recall@${r.index.k} item vectors mean/min`, `${r.index.recall} / ${r.index.recall_min} (${r.index.queries} queries, ef_search ${r.index.ef_search})`);
    row('ANN top-k p50 / p95', `${r.index.pgvector_p50_ms} / ${r.index.pgvector_p95_ms} ms (exact: ${r.index.exact_p50_ms} ms)`);
    row('plan uses the ANN index', r.index.hnsw_plan_uses_index);
  }
  if (r.userRecall && 'error' in r.userRecall) row('user-vector recall', `failed: ${r.userRecall.error}`);
  else if (r.userRecall) {
    const u = r.userRecall;
    row(`recall@${u.k}, user vectors`, `${round(u.recall, 4)} (${u.users} users, model v${u.model_version}, ${u.table}, ef_search ${u.efSearch})`);
    row('  ANN / exact p50 (in tx)', `${round(u.hnswP50Ms, 2)} / ${round(u.exactP50Ms, 2)} ms`);
  }

  say('\nStages (souk_recommendation_stage_seconds, bucket deltas over the load)');
  if (!r.stages || Object.keys(r.stages).length === 0) row('stages', r.stageNote ?? 'no observations');
  else {
    say(`  ${'stage'.padEnd(20)} ${'count'.padStart(8)} ${'mean'.padStart(9)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}   p50 bucket / p99 bucket (ms)`);
    for (const [stage, q] of Object.entries(r.stages)) {
      say(`  ${stage.padEnd(20)} ${String(q.count).padStart(8)} ${fmt(q.mean_ms)} ${fmt(q.p50_ms)} ${fmt(q.p99_ms)}   ${bucket(q.p50_bucket_ms)} / ${bucket(q.p99_bucket_ms)}`);
    }
  }
  if (r.stagesBySecond && r.stages) {
    // The worst seconds against the whole load: one stage up says a store or a statement, all of
    // them up (the pure-CPU user tower too) says the process or the machine was short of CPU.
    const names = [...Object.keys(r.stages), GATEWAY_HTTP];
    const whole = (n: string) => (n === GATEWAY_HTTP ? (r.layers?.['gateway http']?.mean_ms ?? null) : r.stages![n].mean_ms);
    say('  mean ms per stage (and the whole request at the gateway) in the worst seconds and the second before each (--timeline):');
    say(`  ${''.padEnd(20)} ${names.map((n) => n.slice(0, 8).padStart(9)).join('')}`);
    say(`  ${'whole load'.padEnd(20)} ${names.map((n) => fmt(whole(n))).join('')}`);
    const slow = new Map(tail.worst.map((w) => [w.at_s, w.requests]));
    const shown = [...new Set(tail.worst.flatMap((w) => [w.at_s - 1, w.at_s]))].sort((a, b) => a - b);
    for (const at of shown) {
      const sec = r.stagesBySecond.find((x) => x.at_s === at);
      if (sec) say(`  ${`${at} s${slow.has(at) ? ` (${slow.get(at)} slow)` : ''}`.padEnd(20)} ${names.map((n) => fmt(sec.mean_ms[n] ?? null)).join('')}`);
    }
  }
  if (r.recommenders && Object.keys(r.recommenders).length) {
    say('  recommenders (souk_recommender_seconds):');
    for (const [name, q] of Object.entries(r.recommenders)) {
      say(`  ${name.padEnd(20)} ${String(q.count).padStart(8)} ${fmt(q.mean_ms)} ${fmt(q.p50_ms)} ${fmt(q.p99_ms)}   ${bucket(q.p50_bucket_ms)} / ${bucket(q.p99_bucket_ms)}`);
    }
  }
  if (r.layers && Object.keys(r.layers).length) {
    say('\nLayers (the same requests at the gateway and in the subgraph; the client adds the network)');
    for (const [layer, q] of Object.entries(r.layers)) {
      say(`  ${layer.padEnd(20)} ${String(q.count).padStart(8)} ${fmt(q.mean_ms)} ${fmt(q.p50_ms)} ${fmt(q.p99_ms)}   ${bucket(q.p50_bucket_ms)} / ${bucket(q.p99_bucket_ms)}`);
    }
  }
  if (r.loop) {
    say('\nEvent loop of the process behind /metrics (prom-client defaults, over the load)');
    row('loop late p50 / p99 / max', `${r.loop.lag_p50_ms ?? '-'} / ${r.loop.lag_p99_ms ?? '-'} / ${r.loop.lag_max_ms ?? '-'} ms`);
    row('GC pauses', Object.entries(r.loop.gc).map(([kind, g]) => `${kind} ${g.count}x ${g.total_ms} ms`).join(', ') || 'none');
  }
  for (const n of r.notes) say(`note: ${n}`);
}

export function writeResult(dir: string, result: Record<string, unknown>, stamp: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `serve-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The JSON line: the nine headline figures first, then extras that fit on a line. */
export function finalLine(result: Record<string, unknown>, k: number): string {
  const keys = ['p50_ms', 'p95_ms', 'p99_ms', 'rps', 'errors', `index_recall@${k}`, 'freshness_s', 'swap_failed_requests', 'pgvector_p50_ms',
    'max_ms', 'target_rps', 'requests', 'load_s', 'empty_lists_known_users', 'freshness_median_s', 'freshness_timeouts', 'model_versions_served'];
  const line: Record<string, unknown> = Object.fromEntries(keys.map((key) => [key, result[key] ?? null]));
  const stages = result.stages as Record<string, Quantiles> | null;
  if (stages) line.stages = Object.fromEntries(Object.entries(stages).map(([s, q]) => [s, { p50_ms: q.p50_ms, p99_ms: q.p99_ms }]));
  return JSON.stringify(line);
}

/**
 * When the slowest 1 % happened: the requests at or above the p99, by second of the load. A tail
 * spread over many seconds is queueing or per-request cost; one packed into a few seconds is stalls
 * (a GC, a background query, a swap), and those seconds say when.
 */
function tailClusters(l: LoadResult): { threshold_ms: number; requests: number; seconds: number; worst: { at_s: number; requests: number }[]; load_started_at: string } {
  const threshold = l.latency.percentile(99) / 1000;
  const t0 = l.timeline.sent[0] ?? 0;
  const bySecond = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < l.timeline.sent.length; i++) {
    const done = l.timeline.done[i];
    if (done === undefined || l.timeline.failed[i] || done - l.timeline.sent[i] < threshold) continue;
    n++;
    const sec = Math.floor((l.timeline.sent[i] - t0) / 1000);
    bySecond.set(sec, (bySecond.get(sec) ?? 0) + 1);
  }
  const worst = [...bySecond].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([at_s, requests]) => ({ at_s, requests }));
  // The wall-clock start, so that "second 14" can be found in the stack's logs and in samplers run beside it.
  const loadStartedAt = new Date(performance.timeOrigin + t0).toISOString();
  return { threshold_ms: round(threshold, 2), requests: n, seconds: bySecond.size, worst, load_started_at: loadStartedAt };
}

const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(2)).padStart(9);
const bucket = (b: [number, number | null] | null) => (b ? `${b[0]}-${b[1] ?? 'inf'}` : '-');
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
