import { setFlagsFromString } from 'node:v8';
import type { SoukConfig } from './env';

// A serving process allocates about 0.8 MB a request, and a few percent of it outlives a minor GC.
// With V8's defaults that grew the old generation by 4-6 MB/s over a ~120 MB live heap, so a major
// GC ran 5-9 times a minute at 100 req/s; each one's concurrent marking ran on several helper
// threads at once, which on a 2-core machine took both cores from the event loop, PostgreSQL and
// Redis for a few hundred milliseconds. Those seconds were most of bench:serve's slowest 1 % (the bench's
// per-second tail against each thread's scheduler wait, README "Serving").
// - A larger heap growing factor (here 1 + 300 % = 4x the live heap before the next major GC) makes
//   them about ten times rarer, for about 300 MB more memory.
// - One marking thread leaves the other core to the work that answers requests; marking takes
//   longer in wall time, and that costs nothing while it is concurrent.

/** The V8 flags for these settings (0: V8's own choice). */
export function gcFlags(gc: SoukConfig['gc']): string[] {
  return [
    ...(gc.heapGrowingPercent > 0 ? [`--heap-growing-percent=${gc.heapGrowingPercent}`] : []),
    ...(gc.markingThreads > 0 ? [`--concurrent-marking-max-worker-num=${gc.markingThreads}`] : []),
  ];
}

/**
 * Applies them to this process. V8 reads both at each collection, so setting them at start-up,
 * before any load, takes effect: bench:serve's GC counts (from the process's own metrics) went from
 * 5-9 major GCs a minute to 1 with this call and no command-line flag.
 */
export function applyGcSettings(gc: SoukConfig['gc']): void {
  for (const flag of gcFlags(gc)) setFlagsFromString(flag);
}
