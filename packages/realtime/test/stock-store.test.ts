import { randomBytes } from 'node:crypto';
import type { Db } from '@souk/db';
import {
  AvailabilityNotReadyError,
  MemoryAvailabilityStore,
  PostgresAvailability,
  RedisAvailabilityStore,
  type AvailabilityStore,
  type StockItem,
} from '@souk/realtime';
import { createTestDb, seedSmallMarketplace, testRedisUrl, type Backend, type TestDb } from '@souk/testing';

// The AvailabilityStore contract, run against real Redis, the in-process maps and the PostgreSQL
// reader (on PostgreSQL and PGlite). Every change goes as the catalog makes it: the database
// first, then the store; so the reader, whose writes do nothing, passes the same suite.
//
// seedSmallMarketplace: businesses b_<v>_<b>, products p_<v>_<b>_<n>, 10 units each except n = 4 (0).
const cases: [string, Backend, (db: Db, prefix: string) => AvailabilityStore][] = [
  ['redis', 'postgres', (_db, prefix) => new RedisAvailabilityStore(testRedisUrl, { prefix })],
  ['memory', 'pglite', () => new MemoryAvailabilityStore()],
  ['postgres reader on PostgreSQL', 'postgres', (db) => new PostgresAvailability(db)],
  ['postgres reader on PGlite', 'pglite', (db) => new PostgresAvailability(db)],
];

/** Removes a test's keys from the Redis that every test file shares. */
async function dropKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(testRedisUrl);
  try {
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}

describe.each(cases)('AvailabilityStore on %s', (_name, backend, make) => {
  let t: TestDb;
  let store: AvailabilityStore;
  let prefix = '';

  // What the catalog does on setStock: commit the quantity, then tell the store.
  const setStock = async (productId: string, quantity: number) => {
    const [p] = await t.db.query<{ business_id: string }>('SELECT business_id FROM products WHERE id = $1', [productId]);
    await t.db.query('UPDATE stock SET quantity = $2 WHERE product_id = $1', [productId, quantity]);
    await store.setStock([{ productId, quantity, businessId: p.business_id }]);
  };
  const setOpen = async (businessId: string, open: boolean) => {
    await t.db.query('UPDATE businesses SET is_open = $2 WHERE id = $1', [businessId, open]);
    await store.setBusinessOpen(businessId, open);
  };
  const sorted = (s: Set<string>) => [...s].sort();

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    // Each test starts from the seed's state, in a fresh Redis namespace.
    await t.db.query(`UPDATE stock SET quantity = CASE WHEN product_id LIKE '%\\_4' THEN 0 ELSE 10 END`);
    await t.db.query('UPDATE businesses SET is_open = true');
    prefix = `test-${randomBytes(4).toString('hex')}`;
    store = make(t.db, prefix);
    await store.warm(t.db);
  });
  afterEach(async () => {
    await store.close();
    await dropKeys(prefix);
  });

  it('after warm(), answers in stock at an open business only; unknown ids are not available', async () => {
    await t.db.query(`UPDATE businesses SET is_open = false WHERE id = 'b_1_0'`);
    await store.warm(t.db);
    const got = await store.available(['p_0_0_0', 'p_0_0_4', 'p_1_0_0', 'p_1_1_0', 'nope']);
    expect(sorted(got)).toEqual(['p_0_0_0', 'p_1_1_0']);
  });

  it('reflects a stock change at once, both ways', async () => {
    await setStock('p_0_0_0', 0);
    await setStock('p_0_0_4', 3);
    expect(sorted(await store.available(['p_0_0_0', 'p_0_0_4']))).toEqual(['p_0_0_4']);
  });

  it('closing a business hides all its products at once; reopening brings back those in stock', async () => {
    await setOpen('b_2_1', false);
    const ids = [0, 1, 2, 3, 4].map((n) => `p_2_1_${n}`);
    expect(await store.available(ids)).toEqual(new Set());
    await setOpen('b_2_1', true);
    expect(sorted(await store.available(ids))).toEqual(ids.slice(0, 4));
  });

  it('answers 200 ids in one call, duplicates and unknown ids included; none for none', async () => {
    const all = (await t.db.query<{ id: string }>('SELECT id FROM products ORDER BY id')).map((r) => r.id);
    const ids = Array.from({ length: 200 }, (_, i) => (i < 4 * all.length ? all[i % all.length] : `ghost_${i}`));
    const got = await store.available(ids);
    expect(sorted(got)).toEqual(all.filter((id) => !id.endsWith('_4')));
    expect(await store.available([])).toEqual(new Set());
  });

  it('warm() replaces whatever the store held with the database state', async () => {
    // State the database never committed (a lost write, a crashed writer) does not survive a warm.
    const stale: StockItem[] = [
      { productId: 'p_0_1_4', quantity: 9, businessId: 'b_0_1' },
      { productId: 'p_0_1_0', quantity: 0, businessId: 'b_0_1' },
    ];
    await store.setStock(stale);
    await store.setBusinessOpen('b_1_1', false);
    await store.warm(t.db);
    expect(sorted(await store.available(['p_0_1_4', 'p_0_1_0', 'p_1_1_0']))).toEqual(['p_0_1_0', 'p_1_1_0']);
  });
});

describe('AvailabilityStore before it is warmed', () => {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  afterAll(() => dropKeys(prefix));
  it.each([
    ['redis', () => new RedisAvailabilityStore(testRedisUrl, { prefix })],
    ['memory', () => new MemoryAvailabilityStore()],
  ])('%s refuses to answer rather than call everything sold out', async (_name, make) => {
    const store: AvailabilityStore = make();
    try {
      // Before any warm, and (for Redis) as after a restart that lost the data.
      await store.setStock([{ productId: 'p1', quantity: 5, businessId: 'b1' }]);
      await expect(store.available(['p1'])).rejects.toBeInstanceOf(AvailabilityNotReadyError);
    } finally {
      await store.close();
    }
  });
});

describe('RedisAvailabilityStore with Redis unreachable', () => {
  it('fails fast instead of queueing commands', async () => {
    // Nothing listens on port 1: the machine's real Redis is left alone.
    const store = new RedisAvailabilityStore('redis://127.0.0.1:1', { prefix: 'unreachable' });
    try {
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) await expect(store.available(['p1', 'p2'])).rejects.toThrow();
      await expect(store.setStock([{ productId: 'p1', quantity: 1, businessId: 'b1' }])).rejects.toThrow();
      expect(performance.now() - t0).toBeLessThan(500);
    } finally {
      await store.close();
    }
  });

  it('times out a slow call instead of waiting', async () => {
    // A proxy to the real Redis that can stall: a Redis busy elsewhere, without blocking the one
    // that other test files share.
    const proxy = await stallingProxy(6379);
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const store = new RedisAvailabilityStore(`redis://127.0.0.1:${proxy.port}`, { prefix, readTimeoutMs: 20 });
    try {
      await store.setStock([{ productId: 'p1', quantity: 1, businessId: 'b1' }]);
      await expect(store.available(['p1'])).rejects.toBeInstanceOf(AvailabilityNotReadyError); // connected, answering
      proxy.stall(true);
      const start = performance.now();
      await expect(store.available(['p1'])).rejects.toThrow(/timed out/i);
      expect(performance.now() - start).toBeLessThan(150);
    } finally {
      await store.close();
      await proxy.close();
      await dropKeys(prefix);
    }
  });
});

/** A TCP proxy to 127.0.0.1:`target` that, once stalled, forwards nothing more. */
async function stallingProxy(target: number) {
  const { createServer, connect } = await import('node:net');
  let stalled = false;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d) => void (stalled || upstream.write(d)));
    upstream.on('data', (d) => void (stalled || client.write(d)));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as import('node:net').AddressInfo).port,
    stall: (on: boolean) => void (stalled = on),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
