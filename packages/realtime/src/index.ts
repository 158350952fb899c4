export type { EventBus, SoukEvent, Topic } from './bus';
export { MemoryEventBus } from './memory-bus';
export { RedisEventBus } from './redis-bus';
export { openEventBus } from './open';
