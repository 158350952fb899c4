import { debounceByKey } from '@souk/subgraph-kit';
import type { EventBus } from '@souk/realtime';
import type { Logger } from '@souk/log';

type Listener = () => void;

/**
 * Fans bus events out to live subscriptions. One bus subscription per topic for the whole process
 * (not one per subscriber); listeners are indexed by user, and pushes are debounced per user so
 * that a burst of events causes one recomputation and at most one update.
 */
export class LiveHub {
  private readonly byUser = new Map<string, Set<Listener>>();
  private readonly debounced: ReturnType<typeof debounceByKey>;
  private unsubscribe: (() => Promise<void>)[] = [];

  constructor(
    private readonly bus: EventBus,
    debounceMs: number,
    private readonly logger: Logger,
  ) {
    this.debounced = debounceByKey(debounceMs, (userId) => {
      for (const l of this.byUser.get(userId) ?? []) l();
    });
  }

  async start(): Promise<void> {
    this.unsubscribe.push(await this.bus.subscribe('interactions.recorded', (e) => this.debounced.trigger(e.userId)));
    // Stock and open/closed changes can change anyone's list: every live user recomputes, still
    // debounced, and only lists that actually changed are pushed.
    const everyone = () => this.refreshAll();
    this.unsubscribe.push(await this.bus.subscribe('stock.changed', everyone));
    this.unsubscribe.push(await this.bus.subscribe('business.changed', everyone));
    this.unsubscribe.push(await this.bus.subscribe('product.created', everyone));
  }

  /** Every live subscriber recomputes (debounced): a new model, say, can change anyone's list. */
  refreshAll(): void {
    for (const userId of this.byUser.keys()) this.debounced.trigger(userId);
  }

  /** Registers a listener for a user's changes; returns its removal. */
  listen(userId: string, listener: Listener): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(listener);
    this.logger.debug({ userId, listeners: set.size }, 'live subscription added');
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.byUser.delete(userId);
    };
  }

  async stop(): Promise<void> {
    this.debounced.cancelAll();
    await Promise.all(this.unsubscribe.map((u) => u()));
    this.unsubscribe = [];
  }
}

/**
 * An async iterator of fresh values: yields `compute()` at once, then again each time the hub
 * signals a change for the user, skipping values that `same` says are unchanged.
 *
 * Written as a plain iterator rather than an async generator on purpose: a generator suspended
 * while waiting for the next event cannot run its `finally` until that event arrives, so an
 * unsubscribing client would leave its listener behind. Here `return()` detaches at once.
 */
export function liveValues<T>(hub: LiveHub, userId: string, compute: () => Promise<T>, same: (a: T, b: T) => boolean): AsyncIterableIterator<T> {
  let last: T | undefined;
  let started = false;
  let done = false;
  let pending = false;
  let wake: (() => void) | null = null;
  const stopListening = hub.listen(userId, () => {
    pending = true;
    wake?.();
  });
  const finish = () => {
    if (done) return;
    done = true;
    stopListening();
    wake?.();
  };
  const end = (): IteratorResult<T> => ({ done: true, value: undefined });
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (done) return end();
      if (!started) {
        started = true;
        last = await compute();
        return { done: false, value: last };
      }
      for (;;) {
        if (!pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (done) return end();
        pending = false;
        const next = await compute();
        if (done) return end();
        if (!same(last as T, next)) {
          last = next;
          return { done: false, value: next };
        }
      }
    },
    async return() {
      finish();
      return end();
    },
    async throw(err?: unknown) {
      finish();
      throw err;
    },
  };
}
