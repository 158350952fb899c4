import type { Db } from '@souk/db';
import type { GatewaySend } from '@souk/gateway';
import type { Logger } from '@souk/log';
import { WARM_UP_REQUEST_PREFIX } from '@souk/observability';

// A process that has just started runs its first thousand or so requests slowly: V8 interprets the
// hot paths, then compiles them on helper threads that take cores from the serving thread. In
// bench:serve the first 15 s of load at 100 req/s were most of the slowest 1 % (helper threads
// 100-280 ms a second against 20-50 later), and 2,000 warm-up requests made them go away. So the
// stack sends recommendation requests through its own gateway, as varied as a frontend's, before
// the gateway's port opens: a client, or a load balancer's readiness check, meets it warm.
// The requests carry reserved ids: they are served in full but not logged as impressions.

const QUERY = `query SoukWarmUp($userId: ID!, $context: RecommendationContext) {
  recommendations(userId: $userId, context: $context) {
    modelVersion path items { rank score reason product { id title price stockStatus business { name } } }
  }
}`;

const VERTICALS = [null, 'RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'] as const;
const DEVICES = ['ios', 'android', 'web'];
const CONCURRENCY = 4;

interface Sample {
  users: string[];
  businesses: string[];
  products: string[];
}

/** The i-th request: known users mostly, some unknown ones, store pages, carts, every vertical. */
export function warmUpRequest(i: number, s: Sample): { userId: string; context: Record<string, unknown> } {
  const pick = <T>(xs: readonly T[], k: number): T | undefined => (xs.length ? xs[k % xs.length] : undefined);
  const userId = i % 10 === 9 || s.users.length === 0 ? `${WARM_UP_REQUEST_PREFIX}user-${i}` : pick(s.users, i)!;
  const context: Record<string, unknown> = { device: pick(DEVICES, i), limit: 10 + (i % 11) };
  const vertical = pick(VERTICALS, i >> 1);
  if (vertical) context.vertical = vertical;
  const business = i % 7 === 3 ? pick(s.businesses, i) : undefined;
  if (business) context.businessId = business;
  if (i % 3 === 1 && s.products.length) context.cart = [pick(s.products, i), pick(s.products, i + 17)];
  return { userId, context };
}

export async function warmUpGateway(send: GatewaySend, db: Db, requests: number, logger: Logger): Promise<void> {
  const t0 = Date.now();
  const ids = async (sql: string) => (await db.query<{ id: string }>(sql)).map((r) => r.id);
  const sample: Sample = {
    users: await ids('SELECT id FROM users ORDER BY id LIMIT 200'),
    businesses: await ids('SELECT id FROM businesses WHERE is_open ORDER BY id LIMIT 50'),
    products: await ids('SELECT id FROM products ORDER BY id LIMIT 100'),
  };
  let next = 0;
  let failed = 0;
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const { status, errors } = await send({ query: QUERY, variables: warmUpRequest(i, sample), operationName: 'SoukWarmUp' }, `${WARM_UP_REQUEST_PREFIX}${i}`).catch(() => ({ status: 0, errors: 1 }));
      if (status !== 200 || errors > 0) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // A failed warm-up request says nothing the first client would not hear too: the stack serves anyway.
  const line = { requests, failed, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  if (failed) logger.warn(line, 'warm-up requests failed');
  else logger.info(line, 'warmed up through the gateway');
}
