import { randomBytes } from 'node:crypto';
import { MemoryEventBus, RedisEventBus, type EventBus } from '@souk/realtime';
import { testRedisUrl } from '@souk/testing';

// The EventBus contract, run against the in-process bus and real Redis.
// Each test gets its own channel prefix, shared by its two Redis connections.
let prefix = '';
const backends: [string, () => EventBus][] = [
  ['memory', () => new MemoryEventBus()],
  ['redis', () => new RedisEventBus(testRedisUrl, prefix)],
];

/** Subscribes (waiting until the server confirms); `event` resolves with the first event. */
async function nextEvent<T>(subscribe: (h: (e: T) => void) => Promise<unknown>): Promise<{ event: Promise<T> }> {
  let deliver!: (e: T) => void;
  const event = new Promise<T>((resolve) => (deliver = resolve));
  await subscribe(deliver);
  return { event }; // wrapped: awaiting a bare promise here would wait for the event itself
}

describe.each(backends)('EventBus on %s', (_name, make) => {
  let a: EventBus;
  let b: EventBus;
  beforeEach(() => {
    prefix = `test-${randomBytes(4).toString('hex')}`;
    a = make();
    b = a instanceof MemoryEventBus ? a : make();
  });
  afterEach(async () => {
    await a.close();
    if (b !== a) await b.close();
  });

  it('delivers a published event to a subscriber (across connections for Redis)', async () => {
    const got = await nextEvent<unknown>((h) => b.subscribe('stock.changed', h));
    await a.publish('stock.changed', { productIds: ['p1', 'p2'] });
    expect(await got.event).toEqual({ productIds: ['p1', 'p2'] });
  });

  it('stops delivering after unsubscribe, and keeps topics apart', async () => {
    const seen: string[] = [];
    const off = await b.subscribe('business.changed', () => seen.push('business'));
    await b.subscribe('stock.changed', () => seen.push('stock'));
    await a.publish('business.changed', { businessIds: ['b1'] });
    await new Promise((r) => setTimeout(r, 100));
    await off();
    await a.publish('business.changed', { businessIds: ['b2'] });
    await a.publish('stock.changed', { productIds: [] });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['business', 'stock']);
  });
});
