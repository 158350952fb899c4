/**
 * Coalesces bursts per key: the first call for a key starts a timer, later calls within `ms`
 * join it, and `fn` runs once with the key when it fires. Subscription pushes use it so that a
 * burst of events for one user sends one update.
 */
export function debounceByKey(ms: number, fn: (key: string) => void): { trigger(key: string): void; cancelAll(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    trigger(key) {
      if (timers.has(key)) return;
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          fn(key);
        }, ms),
      );
    },
    cancelAll() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
