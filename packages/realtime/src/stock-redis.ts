import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queryable } from '@souk/db';
import { readAvailabilitySnapshot } from './stock-snapshot';
import { AvailabilityNotReadyError, type AvailabilityStore, type StockItem } from './stock-store';

// Keys, under the configured prefix:
//   <prefix>:availability:stock   hash   productId -> "<quantity>:<businessId>"
//   <prefix>:availability:closed  set    ids of closed businesses
//   <prefix>:availability:ready   string set by warm(); gone if Redis restarted empty
// One hash and one set (not a key per product) keep 100k products at a few MB and let one script
// answer any number of ids.

// Runs inside Redis, so 200 ids cost one round trip: HMGET the quantities, then check each
// product's business against the closed set. Without the ready marker it refuses to answer, so an
// emptied Redis reads as "unknown" (fall back to PostgreSQL), never as "everything sold out".
const AVAILABLE_LUA = `
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('NOTREADY availability not warmed') end
local values = redis.call('HMGET', KEYS[1], unpack(ARGV))
local out = {}
for i, v in ipairs(values) do
  if v then
    local sep = string.find(v, ':', 1, true)
    if tonumber(string.sub(v, 1, sep - 1)) > 0 and redis.call('SISMEMBER', KEYS[2], string.sub(v, sep + 1)) == 0 then
      out[#out + 1] = ARGV[i]
    end
  end
end
return out`;

// Fields per HSET/SADD while warming: large enough to pipeline 100k products in ~100 commands,
// small enough that no single command blocks Redis for long.
const WARM_CHUNK = 1000;
// A warm that dies half-way leaves its temporary keys to expire.
const WARM_TMP_TTL_S = 600;

export interface RedisAvailabilityOptions {
  prefix?: string;
  /** Budget of one available() call; past it the caller falls back to PostgreSQL. */
  readTimeoutMs?: number;
  /** Budget of one write (catalog mutations, warm chunks). */
  writeTimeoutMs?: number;
}

type WithScript = Redis & { soukAvailable(stock: string, closed: string, ready: string, ...ids: string[]): Promise<string[]> };

export class RedisAvailabilityStore implements AvailabilityStore {
  // Reads and writes use separate connections, so that a warm's pipeline never delays (and times
  // out) the serving path's reads. Neither queues commands while disconnected: with Redis down a
  // call fails at once instead of piling up, and the caller falls back.
  private readonly reader: WithScript;
  private readonly writer: Redis;
  private readonly keys: { stock: string; closed: string; ready: string };
  private readonly readTimeoutMs: number;
  private readonly writeTimeoutMs: number;

  constructor(url: string, options: RedisAvailabilityOptions = {}) {
    const base = `${options.prefix ?? 'souk'}:availability`;
    this.keys = { stock: `${base}:stock`, closed: `${base}:closed`, ready: `${base}:ready` };
    this.readTimeoutMs = options.readTimeoutMs ?? 20;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 1000;
    // disconnectTimeout: closing while Redis is unreachable must not hold the process for 2 s.
    const common = { enableOfflineQueue: false, maxRetriesPerRequest: 0, disconnectTimeout: 200 };
    this.reader = new Redis(url, { ...common, commandTimeout: this.readTimeoutMs }) as WithScript;
    this.writer = new Redis(url, { ...common, commandTimeout: this.writeTimeoutMs });
    this.reader.defineCommand('soukAvailable', { numberOfKeys: 3, lua: AVAILABLE_LUA });
    // ioredis reconnects by itself; errors surface on the calls. Without a listener an outage
    // would crash the process.
    this.reader.on('error', () => undefined);
    this.writer.on('error', () => undefined);
  }

  async setStock(items: readonly StockItem[]): Promise<void> {
    if (items.length === 0) return;
    await connected(this.writer, this.writeTimeoutMs);
    await this.writer.hset(this.keys.stock, Object.fromEntries(items.map((i) => [i.productId, encode(i)])));
  }

  async setBusinessOpen(businessId: string, open: boolean): Promise<void> {
    await connected(this.writer, this.writeTimeoutMs);
    if (open) await this.writer.srem(this.keys.closed, businessId);
    else await this.writer.sadd(this.keys.closed, businessId);
  }

  async available(productIds: readonly string[]): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    await connected(this.reader, this.readTimeoutMs);
    try {
      return new Set(await this.reader.soukAvailable(this.keys.stock, this.keys.closed, this.keys.ready, ...productIds));
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOTREADY')) throw new AvailabilityNotReadyError('redis store');
      throw err;
    }
  }

  /**
   * Loads the database's state into temporary keys with pipelined chunks, then swaps them in with
   * one MULTI: readers see the old state or the new one, never a mix. A catalog write landing
   * between the database read and the swap is lost until the next warm (the cache's one race).
   */
  async warm(db: Queryable): Promise<{ products: number; closedBusinesses: number }> {
    await connected(this.writer, 5000);
    const snap = await readAvailabilitySnapshot(db);
    const tag = randomBytes(6).toString('hex');
    const tmp = { stock: `${this.keys.stock}:warming:${tag}`, closed: `${this.keys.closed}:warming:${tag}` };
    const load = this.writer.pipeline();
    for (let i = 0; i < snap.stock.length; i += WARM_CHUNK) {
      load.hset(tmp.stock, Object.fromEntries(snap.stock.slice(i, i + WARM_CHUNK).map((s) => [s.productId, encode(s)])));
    }
    for (let i = 0; i < snap.closedBusinesses.length; i += WARM_CHUNK) load.sadd(tmp.closed, ...snap.closedBusinesses.slice(i, i + WARM_CHUNK));
    load.expire(tmp.stock, WARM_TMP_TTL_S).expire(tmp.closed, WARM_TMP_TTL_S);
    failOnError(await load.exec());

    const swap = this.writer.multi();
    // RENAME carries the temporary key's TTL along, hence the PERSIST.
    if (snap.stock.length) swap.rename(tmp.stock, this.keys.stock).persist(this.keys.stock);
    else swap.del(this.keys.stock);
    if (snap.closedBusinesses.length) swap.rename(tmp.closed, this.keys.closed).persist(this.keys.closed);
    else swap.del(this.keys.closed);
    swap.set(this.keys.ready, new Date().toISOString());
    failOnError(await swap.exec());
    return { products: snap.stock.length, closedBusinesses: snap.closedBusinesses.length };
  }

  async close(): Promise<void> {
    this.reader.disconnect();
    this.writer.disconnect();
  }
}

/**
 * Commands are not queued while disconnected, so a call made while the first connection is still
 * being set up (just after start-up) waits for it, up to the call's budget. Once a connection has
 * been lost, calls fail at once: waiting for a reconnection would only delay the fallback.
 */
async function connected(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (!['wait', 'connecting', 'connect'].includes(client.status)) throw new Error(`redis availability store: ${client.status}`);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(`redis availability store: no connection after ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', onReady).once('error', done);
  });
}

function encode(i: StockItem): string {
  return `${i.quantity}:${i.businessId}`;
}

function failOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('redis availability store: transaction discarded');
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
}
