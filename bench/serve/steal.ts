import { readFileSync } from 'node:fs';

// Steal: time the hypervisor ran something else while this VM's virtual CPUs had work, from the
// `steal` column of /proc/stat. Averaged over a run it is small here (under 1 % of the CPU time),
// but it comes in bursts of 20-100 ms on every virtual CPU at once, and the seconds that hold them are often the
// seconds that hold the slowest requests: no code in the VM runs during a burst, the stack's
// included. Sampled every 250 ms in the bench's own process (one file read each), so that the
// report can say, for each of the worst seconds, how much of it the machine itself lost.

/** Summed steal of every CPU, in ms, from a /proc/stat text; null when the kernel reports none. */
export function stealMs(procStat: string, userHz = 100): number | null {
  for (const line of procStat.split('\n')) {
    if (!line.startsWith('cpu ')) continue;
    const fields = line.trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal ...
    if (fields.length < 9) return null;
    return (Number(fields[8]) * 1000) / userHz;
  }
  return null;
}

export interface StealSample {
  /** performance.now() of the read. */
  at: number;
  ms: number;
}

export interface StealSampler {
  stop(): StealSample[];
}

function read(): number | null {
  try {
    return stealMs(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Null where /proc/stat has no steal column (not Linux, or no paravirtual clock). */
export function startStealSampler(everyMs = 250): StealSampler | null {
  const first = read();
  if (first === null) return null;
  const samples: StealSample[] = [{ at: performance.now(), ms: first }];
  const timer = setInterval(() => {
    const ms = read();
    if (ms !== null) samples.push({ at: performance.now(), ms });
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const ms = read();
      if (ms !== null) samples.push({ at: performance.now(), ms });
      return samples;
    },
  };
}

export interface StealReport {
  /** Over the load, all CPUs together. */
  total_ms: number;
  /** Seconds of the load (from its first request) with at least `burst_ms` of steal, and how much. */
  bursts: { at_s: number; ms: number }[];
  burst_ms: number;
}

/**
 * Steal per second of the load. A sample's increase is put in the second its interval ended in;
 * with 250 ms samples that is the right second or, for a burst at a boundary, the one after.
 */
export function stealReport(samples: readonly StealSample[], loadStartedAt: number, loadEndedAt: number, burstMs = 20): StealReport {
  const bySecond = new Map<number, number>();
  let total = 0;
  for (let i = 1; i < samples.length; i++) {
    const { at, ms } = samples[i];
    if (at < loadStartedAt || samples[i - 1].at > loadEndedAt) continue;
    const d = ms - samples[i - 1].ms;
    if (d <= 0) continue;
    total += d;
    const sec = Math.floor((at - loadStartedAt) / 1000);
    bySecond.set(sec, (bySecond.get(sec) ?? 0) + d);
  }
  const bursts = [...bySecond].filter(([, ms]) => ms >= burstMs).sort((a, b) => a[0] - b[0]).map(([at_s, ms]) => ({ at_s, ms }));
  return { total_ms: total, bursts, burst_ms: burstMs };
}
