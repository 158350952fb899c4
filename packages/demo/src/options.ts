// What a generation run is asked for. Defaults are sized so that `npm run demo` generates and loads
// on PGlite in well under a minute on a 2-core machine (see the package README for timings).

export interface GenerateOptions {
  users?: number;
  businesses?: number;
  products?: number;
  /** Interaction rows, exactly. */
  events?: number;
  seed?: number;
  /** End of the event window; the content is a pure function of (seed, sizes, now, days). */
  now?: Date;
  /** Length of the event window ending at `now`. */
  days?: number;
  /** Half-life of the popularity decay used when product_popularity is rebuilt. */
  halfLifeDays?: number;
  /** Progress lines ("loaded 200000 interactions in 9.1 s"); silent when absent. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  users: number;
  businesses: number;
  products: number;
  events: number;
  seed: number;
  now: Date;
  days: number;
  halfLifeDays: number;
  log: (line: string) => void;
}

export const DEFAULTS = { users: 2_000, businesses: 300, products: 10_000, events: 200_000, seed: 42, days: 90, halfLifeDays: 14 } as const;

/** Midnight UTC of the current day: a run today and a run an hour later produce the same rows. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function resolveOptions(options: GenerateOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    users: options.users ?? DEFAULTS.users,
    businesses: options.businesses ?? DEFAULTS.businesses,
    products: options.products ?? DEFAULTS.products,
    events: options.events ?? DEFAULTS.events,
    seed: options.seed ?? DEFAULTS.seed,
    now: options.now ?? startOfUtcDay(new Date()),
    days: options.days ?? DEFAULTS.days,
    halfLifeDays: options.halfLifeDays ?? DEFAULTS.halfLifeDays,
    log: options.log ?? (() => undefined),
  };
  const problems: string[] = [];
  for (const key of ['users', 'businesses', 'products', 'events', 'seed'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) problems.push(`${key} must be a non-negative integer`);
  }
  if (!(resolved.days > 0)) problems.push('days must be positive');
  if (!(resolved.halfLifeDays > 0)) problems.push('halfLifeDays must be positive');
  if (Number.isNaN(resolved.now.getTime())) problems.push('now must be a valid date');
  if (resolved.products > 0 && resolved.businesses === 0) problems.push('products need at least one business');
  if (resolved.events > 0 && (resolved.users === 0 || resolved.products === 0)) problems.push('events need at least one user and one product');
  if (problems.length) throw new Error(`Invalid demo options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return resolved;
}
