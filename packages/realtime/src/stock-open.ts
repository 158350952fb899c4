import type { SoukConfig } from '@souk/config';
import type { Queryable } from '@souk/db';
import { MemoryAvailabilityStore } from './stock-memory';
import { PostgresAvailability } from './stock-postgres';
import { RedisAvailabilityStore } from './stock-redis';
import type { AvailabilityStore } from './stock-store';

/**
 * With REDIS_URL every process shares the same keys. Without it, in-process maps work only when
 * the writer (catalog) and the reader (recommendations) share this process, as in the launcher;
 * a standalone subgraph process without Redis reads the database instead, which no other process
 * can leave stale.
 */
export function openAvailabilityStore(
  config: Pick<SoukConfig, 'redisUrl' | 'redisPrefix'>,
  db: Queryable,
  processes: 'one-process' | 'own-process',
): AvailabilityStore {
  if (config.redisUrl) return new RedisAvailabilityStore(config.redisUrl, { prefix: config.redisPrefix });
  return processes === 'one-process' ? new MemoryAvailabilityStore() : new PostgresAvailability(db);
}
