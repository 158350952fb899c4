/**
 * Runs background refreshes one at a time, in the order they were asked for.
 *
 * The popular pools and the business percentiles are re-read when their time is up, each a
 * 50-90 ms statement on 100k products. Loaded together at start, they also expired together: four
 * or five of them then started in the same tick, PostgreSQL took both cores of a 2-core machine for
 * a few hundred milliseconds, and that one second held about half of a bench:serve run's slowest
 * 1 %. In one lane they take one core at a time, with a pause between two of them so that the
 * serving path's own queries get PostgreSQL back in between. Only refreshes go through it: a first
 * load, which a request waits for, never queues behind one.
 */
export class BackgroundLane {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly gapMs = 250) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task);
    this.last = result.catch(() => undefined).then(() => new Promise((resolve) => setTimeout(resolve, this.gapMs).unref()));
    return result;
  }
}
