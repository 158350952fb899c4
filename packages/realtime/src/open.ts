import type { SoukConfig } from '@souk/config';
import type { EventBus } from './bus';
import { MemoryEventBus } from './memory-bus';
import { RedisEventBus } from './redis-bus';

export function openEventBus(config: Pick<SoukConfig, 'redisUrl' | 'redisPrefix'>): EventBus {
  return config.redisUrl ? new RedisEventBus(config.redisUrl, config.redisPrefix) : new MemoryEventBus();
}
