import { Redis } from 'ioredis';

/**
 * Per-user serving features (profile, recent positives, query and visual vectors), encoded by the
 * recommendations subgraph. The interactions subgraph invalidates a user's entry when it records
 * their events, so a hit is never older than the user's last recorded interaction; the TTL bounds
 * what a missed invalidation (Redis blip) can leave stale.
 */
export interface FeatureCache {
  get(userId: string): Promise<string | null>;
  set(userId: string, value: string): Promise<void>;
  invalidate(userIds: string[]): Promise<void>;
  close(): Promise<void>;
}

export const FEATURE_TTL_S = 600;

/** In-process map, for the embedded default where every subgraph shares one process. */
export class MemoryFeatureCache implements FeatureCache {
  private readonly entries = new Map<string, { value: string; expires: number }>();

  constructor(
    private readonly ttlMs = FEATURE_TTL_S * 1000,
    // Bounded: an in-process cache must not grow with the user base.
    private readonly maxEntries = 50_000,
  ) {}

  async get(userId: string): Promise<string | null> {
    const e = this.entries.get(userId);
    if (!e) return null;
    if (e.expires < Date.now()) {
      this.entries.delete(userId);
      return null;
    }
    return e.value;
  }

  async set(userId: string, value: string): Promise<void> {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let n = Math.ceil(this.maxEntries / 10);
      for (const k of this.entries.keys()) {
        this.entries.delete(k);
        if (--n === 0) break;
      }
    }
    this.entries.set(userId, { value, expires: Date.now() + this.ttlMs });
  }

  async invalidate(userIds: string[]): Promise<void> {
    for (const u of userIds) this.entries.delete(u);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Shared by every instance: one key per user under `<prefix>:features:`. */
export class RedisFeatureCache implements FeatureCache {
  private readonly redis: Redis;
  private readonly base: string;
  private readonly ttlS: number;

  constructor(
    url: string,
    opts: { prefix?: string; ttlS?: number; timeoutMs?: number } = {},
  ) {
    this.base = `${opts.prefix ?? 'souk'}:features:`;
    this.ttlS = opts.ttlS ?? FEATURE_TTL_S;
    // As the availability store: no offline queue, a short timeout; a cache that is down is a miss.
    this.redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: opts.timeoutMs ?? 50, maxRetriesPerRequest: 0, disconnectTimeout: 200 });
    // ioredis reconnects by itself; without a listener an outage would crash the process.
    this.redis.on('error', () => undefined);
  }

  async get(userId: string): Promise<string | null> {
    return this.redis.get(this.base + userId);
  }

  async set(userId: string, value: string): Promise<void> {
    await this.redis.set(this.base + userId, value, 'EX', this.ttlS);
  }

  async invalidate(userIds: string[]): Promise<void> {
    if (userIds.length) await this.redis.del(...userIds.map((u) => this.base + u));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Redis when configured. Without it, an in-process map works only when the invalidating subgraph
 * (interactions) shares this process, as in the launcher; a standalone process gets no cache
 * rather than one nobody invalidates.
 */
export function openFeatureCache(config: { redisUrl?: string; redisPrefix: string }, processes: 'one-process' | 'own-process'): FeatureCache | null {
  if (config.redisUrl) return new RedisFeatureCache(config.redisUrl, { prefix: config.redisPrefix });
  return processes === 'one-process' ? new MemoryFeatureCache() : null;
}
