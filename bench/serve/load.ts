import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { RECOMMEND_QUERY, type RecommendData, type RecommendRequest } from './contexts';
import type { GraphqlClient } from './gql';

// Open-model load: request i is sent at start + i / rps whether or not earlier ones have answered
// (a slow server gets more concurrent requests, not fewer requests). Latency runs from the time a
// request was due, not from when it left, so that a late send (a stalled event loop, a full pool)
// counts against the server instead of hiding (no coordinated omission).

export interface LoadOptions {
  rps: number;
  /** The load runs at least this long… */
  minSeconds: number;
  /** …and on until `done()` says the work running beside it has finished, but never past this. */
  maxSeconds: number;
  done: (sofar: LoadResult) => boolean;
  /** Stop early when this share of the answers of the last 30 s are errors (the server has collapsed). */
  abortErrorShare: number;
  progress?: (line: string) => void;
}

export interface LoadResult {
  startedAt: number;
  /** When the last answer arrived. */
  endedAt: number;
  /** How long requests were being sent. */
  sendSeconds: number;
  stoppedAtMax: boolean;
  /** Why the load stopped early, if it did. */
  aborted: string | null;
  sent: number;
  completed: number;
  ok: number;
  errors: { http: number; graphql: number; network: number; total: number };
  errorSamples: string[];
  /** The first 100 failures: seconds into the load (due time), kind, message. */
  failures: { at_s: number; kind: string; message: string }[];
  empty: { known: number; unknown: number };
  byKind: Record<RecommendRequest['kind'], number>;
  /** Latency from the due time, microseconds. */
  latency: RecordableHistogram;
  /** How late requests left compared with their due time, microseconds. */
  sendLag: RecordableHistogram;
  /** Per request, in send order: due time, answer time, failed. */
  timeline: { sent: number[]; done: number[]; failed: boolean[] };
  /** Answer times (ascending) of each modelVersion served. */
  versions: Map<string, number[]>;
  lastModelVersion: string | null;
  paths: Record<string, number>;
}

export async function runLoad(client: GraphqlClient, next: () => RecommendRequest, o: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    startedAt: performance.now(), endedAt: 0, sendSeconds: 0, stoppedAtMax: false, aborted: null, sent: 0, completed: 0, ok: 0,
    errors: { http: 0, graphql: 0, network: 0, total: 0 }, errorSamples: [], failures: [], empty: { known: 0, unknown: 0 },
    byKind: { active: 0, cold: 0, unknown: 0 }, latency: createHistogram(), sendLag: createHistogram(),
    timeline: { sent: [], done: [], failed: [] }, versions: new Map(), lastModelVersion: null, paths: {},
  };
  const interval = 1000 / o.rps;
  const t0 = result.startedAt;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const fail = (i: number, kind: keyof LoadResult['errors'], message: string) => {
    result.errors[kind]++;
    result.errors.total++;
    result.timeline.failed[i] = true;
    if (result.failures.length < 100) result.failures.push({ at_s: Math.round(result.timeline.sent[i] - t0) / 1000, kind, message });
    if (result.errorSamples.length < 8 && !result.errorSamples.includes(message)) result.errorSamples.push(message);
  };

  const fire = async (i: number, due: number) => {
    const req = next();
    result.byKind[req.kind]++;
    result.sendLag.record(Math.max(1, Math.round((performance.now() - due) * 1000)));
    result.timeline.sent[i] = due;
    result.timeline.failed[i] = false;
    inFlight++;
    try {
      const res = await client.post<RecommendData>(RECOMMEND_QUERY, { userId: req.userId, context: req.context });
      const list = res.data?.recommendations;
      if (res.status !== 200) fail(i, 'http', `HTTP ${res.status}: ${res.errors?.[0]?.message ?? ''}`.slice(0, 200));
      else if (res.errors?.length || !list) fail(i, 'graphql', `${res.errors?.[0]?.extensions?.code ?? 'ERROR'}: ${res.errors?.[0]?.message ?? 'no data'}`.slice(0, 200));
      else {
        result.ok++;
        if (list.items.length === 0) result.empty[req.known ? 'known' : 'unknown']++;
        const at = performance.now();
        const seen = result.versions.get(list.modelVersion);
        if (seen) seen.push(at);
        else result.versions.set(list.modelVersion, [at]);
        result.lastModelVersion = list.modelVersion;
        result.paths[list.path] = (result.paths[list.path] ?? 0) + 1;
      }
    } catch (err) {
      fail(i, 'network', (err as Error).message.slice(0, 200));
    } finally {
      const at = performance.now();
      result.timeline.done[i] = at;
      tally(at, result.timeline.failed[i]);
      result.latency.record(Math.max(1, Math.round((at - due) * 1000)));
      result.completed++;
      result.endedAt = Math.max(result.endedAt, at);
      if (--inFlight === 0) drained?.();
    }
  };

  // Answers per second of load: [ok, failed], for the collapse check.
  const perSecond: [number, number][] = [];
  const tally = (at: number, failed: boolean) => {
    const s = Math.floor((at - t0) / 1000);
    perSecond[s] ??= [0, 0];
    perSecond[s][failed ? 1 : 0]++;
  };
  const collapsed = (elapsed: number): string | null => {
    const now = Math.floor(elapsed / 1000);
    if (now < 30) return null;
    let ok = 0;
    let failed = 0;
    for (let s = now - 30; s < now; s++) {
      ok += perSecond[s]?.[0] ?? 0;
      failed += perSecond[s]?.[1] ?? 0;
    }
    if (ok + failed === 0 && inFlight > 0) return `no answer at all in the last 30 s with ${inFlight} requests in flight`;
    if (ok + failed >= 50 && failed / (ok + failed) >= o.abortErrorShare) return `${failed} of the ${ok + failed} answers of the last 30 s were errors (${result.errorSamples[0] ?? ''})`;
    return null;
  };

  let i = 0;
  let nextCheck = 30_000;
  let nextReport = 15_000;
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= o.maxSeconds * 1000) {
      result.stoppedAtMax = true;
      break;
    }
    if (elapsed >= o.minSeconds * 1000 && o.done(result)) break;
    if (elapsed >= nextCheck) {
      nextCheck += 1000;
      result.aborted = collapsed(elapsed);
      if (result.aborted) break;
    }
    const due = Math.floor(elapsed / interval) + 1;
    for (; i < due; i++) {
      result.sent++;
      void fire(i, t0 + i * interval);
    }
    if (o.progress && elapsed >= nextReport) {
      nextReport += nextReport < 60_000 ? 15_000 : 60_000;
      o.progress(`  t=${Math.round(elapsed / 1000)} s: sent ${result.sent}, ok ${result.ok}, errors ${result.errors.total}, in flight ${inFlight}, p50 ${(result.latency.percentile(50) / 1000).toFixed(1)} ms`);
    }
    await sleep(Math.max(0, t0 + i * interval - performance.now()));
  }
  result.sendSeconds = (performance.now() - t0) / 1000;
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  return result;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
