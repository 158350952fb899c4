import { Redis } from 'ioredis';
import type { EventBus, SoukEvent, Topic } from './bus';

// A Redis connection in subscriber mode can do nothing else, so publishing and subscribing use
// one connection each. Channels are namespaced so that several Souk deployments can share a Redis.
export class RedisEventBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<(event: never) => void>>();

  constructor(url: string, private readonly namespace = 'souk') {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub.on('message', (channel: string, message: string) => {
      const set = this.handlers.get(channel);
      if (!set) return;
      const event = JSON.parse(message) as never;
      for (const h of set) h(event);
    });
    // ioredis reconnects by itself; without a listener an outage would crash the process.
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
  }

  private channel(topic: Topic): string {
    return `${this.namespace}:${topic}`;
  }

  async publish<T extends Topic>(topic: T, event: SoukEvent<T>): Promise<void> {
    await this.pub.publish(this.channel(topic), JSON.stringify(event));
  }

  async subscribe<T extends Topic>(topic: T, handler: (event: SoukEvent<T>) => void): Promise<() => Promise<void>> {
    const channel = this.channel(topic);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.sub.subscribe(channel);
    }
    set.add(handler as (event: never) => void);
    return async () => {
      set!.delete(handler as (event: never) => void);
      if (set!.size === 0) {
        this.handlers.delete(channel);
        await this.sub.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
