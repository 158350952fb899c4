import type { BenchEnv, BenchPaths } from './config';
import type { LoadResult } from './load';
import { republish, type ModelState, type PublishCaps, type Republish } from './model';

// Full model swaps while the load runs: the republish CLI, n times in a row. The swap window runs
// from the start of the first republish to the end of the last; requests that overlap it are the
// ones a swap could break.

export interface SwapRun {
  swaps: Republish[];
  windowStart: number;
  windowEnd: number;
}

export async function runSwaps(n: number, env: BenchEnv, paths: BenchPaths, model: ModelState, say: (s: string) => void, abort: { value: boolean }, caps: PublishCaps | null = null): Promise<SwapRun> {
  const swaps: Republish[] = [];
  const windowStart = performance.now();
  for (let i = 0; i < n && !abort.value; i++) {
    const s = await republish(env, paths, model, caps);
    swaps.push(s);
    say(`  swap ${i + 1}/${n}: ${s.ok ? `version ${s.version} live` : `FAILED (${s.error})`} in ${s.seconds.toFixed(1)} s`);
  }
  return { swaps, windowStart, windowEnd: performance.now() };
}

export interface SwapReport {
  swaps: { version: number | null; ok: boolean; seconds: number; start_s: number; end_s: number; error?: string; first_served_after_end_s: number | null }[];
  window_s: number;
  failed_requests: number;
  requests_in_window: number;
  /**
   * Latency percentiles (ms, from the due time) of the answered requests that overlapped the swap
   * window and of those that did not: how much of the run's tail the swaps make. The headline p99
   * is over all requests; this split only says where it comes from.
   */
  latency_in_window: LatencySplit;
  latency_outside_window: LatencySplit;
  /** Every swapped-in version was served after its swap. */
  versions_moved: boolean;
  versions_seen: string[];
  last_model_version: string | null;
}

/** Matches "7", "v7", "two-tower-v7" to version 7, but not 17 or 70. */
export function mentionsVersion(modelVersion: string, version: number): boolean {
  return new RegExp(`(^|\\D)${version}(\\D|$)`).test(modelVersion);
}

export function swapReport(run: SwapRun, load: LoadResult): SwapReport {
  const overlaps = (i: number) => load.timeline.sent[i] <= run.windowEnd && load.timeline.done[i] >= run.windowStart;
  let failed = 0;
  let inWindow = 0;
  const inside: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < load.timeline.sent.length; i++) {
    const done = load.timeline.done[i];
    const answered = done !== undefined && !load.timeline.failed[i];
    if (!overlaps(i)) {
      if (answered) outside.push(done - load.timeline.sent[i]);
      continue;
    }
    inWindow++;
    if (load.timeline.failed[i]) failed++;
    else if (answered) inside.push(done - load.timeline.sent[i]);
  }
  const swaps = run.swaps.map((s) => {
    let first: number | null = null;
    if (s.ok && s.version !== null) {
      for (const [modelVersion, times] of load.versions) {
        if (!mentionsVersion(modelVersion, s.version)) continue;
        const t = times.find((at) => at >= s.startedAt);
        if (t !== undefined && (first === null || t < first)) first = t;
      }
    }
    return {
      version: s.version, ok: s.ok, seconds: round(s.seconds, 2), error: s.error,
      start_s: round((s.startedAt - load.startedAt) / 1000, 2), end_s: round((s.endedAt - load.startedAt) / 1000, 2),
      first_served_after_end_s: first === null ? null : round((first - s.endedAt) / 1000, 2),
    };
  });
  return {
    swaps,
    window_s: round((run.windowEnd - run.windowStart) / 1000, 2),
    failed_requests: failed,
    requests_in_window: inWindow,
    latency_in_window: latencySplit(inside),
    latency_outside_window: latencySplit(outside),
    versions_moved: swaps.length > 0 && swaps.every((s) => s.ok && s.first_served_after_end_s !== null),
    versions_seen: [...load.versions.keys()],
    last_model_version: load.lastModelVersion,
  };
}

export interface LatencySplit {
  requests: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** Nearest-rank percentiles of latencies in ms. */
export function latencySplit(ms: number[]): LatencySplit {
  const s = Float64Array.from(ms).sort();
  const at = (q: number) => (s.length ? round(s[Math.min(s.length - 1, Math.ceil((q / 100) * s.length) - 1)], 2) : null);
  return { requests: s.length, p50_ms: at(50), p99_ms: at(99), max_ms: s.length ? round(s[s.length - 1], 2) : null };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
