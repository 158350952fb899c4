import { LAYER_HISTOGRAMS, parseHistograms, scrape, STAGE_HISTOGRAM } from './metrics';

// --timeline: the stages second by second. The histograms scraped before and after the load say
// how slow each stage was over the whole load, but the slowest 1 % falls in a few seconds, and
// what matters there is which stages slowed: all of them together, the pure-CPU user tower
// included (the process or the machine was short of CPU), or one (a store, a statement). So
// /metrics is scraped every 500 ms during the load and each stage's mean is kept per second. Each
// scrape costs the stack a few milliseconds of its main thread, so it is off by default.

export interface TimelineSample {
  /** performance.now() when the scrape's answer arrived. */
  at: number;
  /** Per stage, and the load's operation at the gateway's HTTP handler as `gateway_http`: count and sum (seconds) so far. */
  stages: Map<string, { count: number; sum: number }>;
}

export interface Timeline {
  stop(): Promise<TimelineSample[]>;
}

/** The key under which the gateway's whole handling of `operation` is kept beside the stages. */
export const GATEWAY_HTTP = 'gateway_http';

export function startTimeline(metricsUrl: string, operation: string, everyMs = 500): Timeline {
  const gateway = LAYER_HISTOGRAMS[0];
  const samples: TimelineSample[] = [];
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    // A slow answer is not stacked on: the next tick waits for it.
    inFlight ??= scrape(metricsUrl)
      .then((text) => {
        const stages = new Map<string, { count: number; sum: number }>();
        for (const [stage, h] of parseHistograms(text, STAGE_HISTOGRAM, ['stage'])) stages.set(stage, { count: h.count, sum: h.sum });
        // The whole request at the gateway: a slow second whose stages were not slow lost its time around them.
        const http = parseHistograms(text, gateway.name, gateway.keys).get(gateway.key(operation));
        if (http) stages.set(GATEWAY_HTTP, { count: http.count, sum: http.sum });
        samples.push({ at: performance.now(), stages });
      })
      .catch(() => undefined) // a missed scrape widens one interval; the report says nothing false
      .finally(() => (inFlight = null));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
      return samples;
    },
  };
}

export interface SecondStages {
  at_s: number;
  /** Mean ms per stage over the observations that ended in this second (null: none). */
  mean_ms: Record<string, number | null>;
}

/**
 * Each stage's mean per second of the load (from `t0`, the first request's due time, as the
 * tail's seconds count). Observations between two scrapes count in the second the later one
 * arrived in.
 */
export function stagesBySecond(samples: readonly TimelineSample[], t0: number): SecondStages[] {
  const bySecond = new Map<number, Map<string, { count: number; sum: number }>>();
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1], samples[i]];
    if (b.at < t0) continue;
    const sec = Math.floor((b.at - t0) / 1000);
    let acc = bySecond.get(sec);
    if (!acc) bySecond.set(sec, (acc = new Map()));
    for (const [stage, now] of b.stages) {
      const before = a.stages.get(stage) ?? { count: 0, sum: 0 };
      const e = acc.get(stage) ?? { count: 0, sum: 0 };
      e.count += now.count - before.count;
      e.sum += now.sum - before.sum;
      acc.set(stage, e);
    }
  }
  return [...bySecond]
    .sort((x, y) => x[0] - y[0])
    .map(([at_s, acc]) => ({
      at_s,
      mean_ms: Object.fromEntries([...acc].sort((x, y) => x[0].localeCompare(y[0])).map(([stage, e]) => [stage, e.count > 0 ? Math.round((e.sum / e.count) * 1e5) / 100 : null])),
    }));
}
