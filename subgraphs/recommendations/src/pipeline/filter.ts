import type { Queryable } from '@souk/db';
import { UnavailableError } from '@souk/errors';
import type { Logger } from '@souk/log';
import { countFallback, countFiltered, stageTimer } from '@souk/observability';
import { AvailabilityNotReadyError, type AvailabilityStore } from '@souk/realtime';

// Stage 4, the last word before a list is served: drop every candidate that is out of stock or
// whose business is closed, as the availability store knows it now. Earlier stages may work from
// a cache, an index or SQL seconds old; this stage is why a product sold out a moment ago is never
// served. If the store fails or runs past its budget, the database answers instead: slower, still
// correct. If the database fails too the request fails: an unfiltered list is never served.

/** Budget of one store call; past it the filter asks PostgreSQL. */
const STORE_TIMEOUT_MS = 25;

/**
 * How many candidates to ask the recommenders for, so that dropping the few that sold out since
 * they were ranked rarely shortens the list below `limit`.
 */
export function overFetch(limit: number): number {
  return limit + Math.max(5, Math.ceil(limit / 4));
}

export interface FilterStats {
  /** Lists filtered. */
  lists: number;
  /** Candidates dropped as unavailable. */
  dropped: number;
  /** Lists filtered against PostgreSQL because the store failed or timed out. */
  fallbacks: number;
}

export interface AvailabilityFilterOptions {
  store: AvailabilityStore;
  /** The database's own answer (PostgresAvailability). */
  fallback: AvailabilityStore;
  /** Where the store is re-warmed from when it reports that it holds nothing. */
  db: Queryable;
  logger: Logger;
  timeoutMs?: number;
}

export class AvailabilityFilter {
  readonly stats: FilterStats = { lists: 0, dropped: 0, fallbacks: 0 };
  private failing = false;
  private warming: Promise<unknown> | undefined;

  constructor(private readonly opts: AvailabilityFilterOptions) {}

  /** The candidates that can be served, in their order. */
  async apply<T extends { productId: string }>(candidates: readonly T[]): Promise<T[]> {
    if (candidates.length === 0) return [];
    const done = stageTimer('filter');
    const available = await this.available([...new Set(candidates.map((c) => c.productId))]);
    const kept = candidates.filter((c) => available.has(c.productId));
    this.stats.lists++;
    this.stats.dropped += candidates.length - kept.length;
    countFiltered('unavailable', candidates.length - kept.length);
    done();
    return kept;
  }

  private async available(ids: string[]): Promise<Set<string>> {
    const { store, fallback, logger } = this.opts;
    if (store === fallback) return this.fromDatabase(ids);
    try {
      const got = await withTimeout(store.available(ids), this.opts.timeoutMs ?? STORE_TIMEOUT_MS);
      if (this.failing) logger.info('availability store answers again');
      this.failing = false;
      return got;
    } catch (err) {
      this.stats.fallbacks++;
      countFallback('availability-store', err instanceof AvailabilityNotReadyError ? 'not-ready' : 'error');
      // One warning when the store starts failing, not one per request while it stays down.
      if (!this.failing) logger.warn({ err: (err as Error).message }, 'availability store failed; filtering against PostgreSQL');
      this.failing = true;
      if (err instanceof AvailabilityNotReadyError) this.rewarm();
      return this.fromDatabase(ids);
    }
  }

  private async fromDatabase(ids: string[]): Promise<Set<string>> {
    try {
      return await this.opts.fallback.available(ids);
    } catch (err) {
      this.opts.logger.error({ err }, 'availability: PostgreSQL failed too');
      throw new UnavailableError('product availability cannot be checked right now');
    }
  }

  /** A store that lost its state (Redis restarted empty) is reloaded once, in the background. */
  private rewarm(): void {
    this.warming ??= this.opts.store
      .warm(this.opts.db)
      .then((n) => this.opts.logger.info(n, 'availability store re-warmed from PostgreSQL'))
      .catch((err) => this.opts.logger.warn({ err: (err as Error).message }, 'availability store re-warm failed'))
      .finally(() => (this.warming = undefined));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`availability store: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
