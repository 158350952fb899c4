import { randomBytes } from 'node:crypto';
import { MemoryFeatureCache, RedisFeatureCache, type FeatureCache } from '@souk/realtime';
import { testRedisUrl, waitFor } from '@souk/testing';

// The FeatureCache contract, on real Redis and on the in-process map.
const cases: [string, (prefix: string) => FeatureCache][] = [
  ['redis', (prefix) => new RedisFeatureCache(testRedisUrl, { prefix, ttlS: 60 })],
  ['memory', () => new MemoryFeatureCache(60_000)],
];

describe.each(cases)('FeatureCache on %s', (_name, make) => {
  let cache: FeatureCache;
  beforeEach(async () => {
    cache = make(`souk-test-${randomBytes(4).toString('hex')}`);
    // Redis connects asynchronously and queues nothing: wait until a write goes through.
    await waitFor('feature cache', async () => {
      await cache.set('probe', 'x');
      return true;
    }, undefined, 5000);
  });
  afterEach(() => cache.close());

  it('returns what was set, per user', async () => {
    await cache.set('u1', '{"a":1}');
    await cache.set('u2', '{"a":2}');
    expect(await cache.get('u1')).toBe('{"a":1}');
    expect(await cache.get('u2')).toBe('{"a":2}');
    expect(await cache.get('u3')).toBeNull();
  });

  it('forgets invalidated users only', async () => {
    await cache.set('u1', 'one');
    await cache.set('u2', 'two');
    await cache.invalidate(['u1', 'nobody']);
    expect(await cache.get('u1')).toBeNull();
    expect(await cache.get('u2')).toBe('two');
    await cache.invalidate([]);
    expect(await cache.get('u2')).toBe('two');
  });

  it('replaces an entry on set', async () => {
    await cache.set('u1', 'old');
    await cache.set('u1', 'new');
    expect(await cache.get('u1')).toBe('new');
  });
});

it('the in-process cache expires entries and stays bounded', async () => {
  const cache = new MemoryFeatureCache(20, 10);
  await cache.set('a', '1');
  await new Promise((r) => setTimeout(r, 40));
  expect(await cache.get('a')).toBeNull();
  for (let i = 0; i < 25; i++) await cache.set(`u${i}`, String(i));
  expect(await cache.get('u24')).toBe('24');
  expect(await cache.get('u0')).toBeNull();
});
