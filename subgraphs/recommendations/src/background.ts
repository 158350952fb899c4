/**
 * Settings for a background statement (Db.queryWithSettings): no parallel workers. PostgreSQL
 * otherwise plans the embedding sweep's anti-join over the catalog as a parallel hash join, three
 * processes for about 50 ms (150 ms of CPU); alone it is a merge join on the two primary keys,
 * one process for about 27 ms. The business percentiles' hash join: 108 ms on three processes, 84
 * ms on one. A background statement should take one core, not both.
 */
export const BACKGROUND_SETTINGS: Readonly<Record<string, string>> = { max_parallel_workers_per_gather: '0' };

/**
 * Runs background refreshes one at a time, in the order they were asked for.
 *
 * The popular pools and the business percentiles are re-read when their time is up, each a
 * 50-90 ms statement on 100k products. Loaded together at start, they also expired together: four
 * or five of them then started in the same tick, PostgreSQL took both cores of a 2-core machine for
 * a few hundred milliseconds, and that one second held about half of a bench:serve run's slowest
 * 1 %. In one lane they run one at a time, each on one core (its statements use
 * BACKGROUND_SETTINGS), a second apart, so that the serving path's own queries get PostgreSQL back
 * in between: with a quarter-second gap a round of them (the sweep, four pools, the percentiles)
 * still filled 1.3 s at about half a core, and PostgreSQL's statement log put the slowest 1 % of a
 * run in exactly those seconds. Only refreshes go through it: a first load, which a request waits
 * for, never queues behind one.
 */
export class BackgroundLane {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly gapMs = 1000) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task);
    this.last = result.catch(() => undefined).then(() => new Promise((resolve) => setTimeout(resolve, this.gapMs).unref()));
    return result;
  }
}
