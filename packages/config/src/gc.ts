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
 *
 * Returns a warning for the log when the process was started without YOUNG_GENERATION_FLAG.
 */
export function applyGcSettings(gc: SoukConfig['gc']): string | null {
  for (const flag of gcFlags(gc)) setFlagsFromString(flag);
  return youngGenerationSized()
    ? null
    : `V8's young generation is at its default size: start serving processes with NODE_OPTIONS=${YOUNG_GENERATION_FLAG} (a quarter of the minor GCs: README "Serving")`;
}

// The young generation: 64 MB semi-spaces instead of V8's 16 MB. A serving process allocates about
// 80 MB/s at 100 req/s, so with 16 MB a minor GC came every ~150 ms; with 64 MB, every ~600 ms.
// bench:serve, 60 s at 100 req/s: ~94 minor GCs instead of ~380, 0.6 s of pauses instead of
// 1.1-1.3 s (each pause is longer, 6-7 ms against 3), and a p99 of 18.1-20.7 ms against 18.5-29.7
// in alternated runs. The old generation grew as fast as before (~5 MB/s; what is promoted outlives
// the ~0.6 s between two minor GCs), so major GCs did not become rarer. V8 sizes the young
// generation when it creates the heap, so unlike the two settings above this one can only come from
// the command line or NODE_OPTIONS. The repository's .npmrc puts it in `node-options`, which npm
// and npx turn into NODE_OPTIONS (replacing any set in the environment) for every process they
// start: `npm run demo`, the tests, the Dockerfile's `npx tsx` services. bench:serve's stack passes
// it on the command line.
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** Whether this process was started with a semi-space size of its own (command line or NODE_OPTIONS). */
export function youngGenerationSized(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => /^--max[-_]semi[-_]space[-_]size=\d+$/.test(arg));
}
