import type { Client } from 'pg';

// What the load asks for: a mix of users (active, known without history, unknown) and contexts
// (every vertical or none, sometimes a store page, a device, a cart, 10-20 items), drawn from the
// bench database with a seeded generator so that two runs send the same sequence.

export const RECOMMEND_QUERY = `query BenchRecommend($userId: ID!, $context: RecommendationContext) {
  recommendations(userId: $userId, context: $context) {
    modelVersion path items { rank score reason product { id title price } }
  }
}`;

export interface RecommendData {
  recommendations: { modelVersion: string; path: string; items: { rank: number; score: number; reason: string; product: { id: string } | null }[] };
}

export type Vertical = 'RESTAURANT' | 'CONVENIENCE' | 'SUPERMARKET';
const VERTICALS: Vertical[] = ['RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'];
const DEVICES = ['ios', 'android', 'web'];

export interface Population {
  /** Users with interactions. */
  active: string[];
  /** Users in the users table without any interaction (may be empty). */
  cold: string[];
  businesses: { id: string; vertical: Vertical }[];
  products: string[];
}

export interface RecommendRequest {
  userId: string;
  /** Known to the users table (active or cold); unknown ids are neither. */
  known: boolean;
  kind: 'active' | 'cold' | 'unknown';
  context: Record<string, unknown>;
}

export async function loadPopulation(pg: Client): Promise<Population> {
  const active = await pg.query<{ id: string }>(
    'SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = u.id) ORDER BY md5(u.id) LIMIT 3000',
  );
  const cold = await pg.query<{ id: string }>(
    'SELECT u.id FROM users u WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = u.id) ORDER BY md5(u.id) LIMIT 500',
  );
  const businesses = await pg.query<{ id: string; vertical: Vertical }>('SELECT id, vertical FROM businesses WHERE is_open ORDER BY id');
  const products = await pg.query<{ id: string }>('SELECT id FROM products ORDER BY md5(id) LIMIT 5000');
  if (!active.rows.length || !businesses.rows.length) throw new Error('the bench database has no active users or no open businesses');
  return { active: active.rows.map((r) => r.id), cold: cold.rows.map((r) => r.id), businesses: businesses.rows, products: products.rows.map((r) => r.id) };
}

/** mulberry32: small, fast, good enough for picking requests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MixShares {
  /** Users in the users table without history. */
  cold: number;
  /** Ids nobody has seen. */
  unknown: number;
  /** Requests for a store page (businessId). */
  business: number;
  cart: number;
}

export const DEFAULT_MIX: MixShares = { cold: 0.05, unknown: 0.1, business: 0.15, cart: 0.3 };

export function requestMaker(pop: Population, seed: number, mix: MixShares = DEFAULT_MIX): () => RecommendRequest {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  let unknownN = 0;
  return () => {
    const u = r();
    let userId: string;
    let kind: RecommendRequest['kind'];
    if (u < mix.unknown) {
      userId = `u_bench_unknown_${seed}_${unknownN++}`;
      kind = 'unknown';
    } else if (u < mix.unknown + mix.cold && pop.cold.length) {
      userId = pick(pop.cold);
      kind = 'cold';
    } else {
      userId = pick(pop.active);
      kind = 'active';
    }
    const context: Record<string, unknown> = { device: pick(DEVICES), limit: 10 + Math.floor(r() * 11) };
    if (r() < mix.business) {
      const b = pick(pop.businesses);
      context.businessId = b.id;
      if (r() < 0.5) context.vertical = b.vertical;
    } else {
      const v = Math.floor(r() * 4);
      if (v < 3) context.vertical = VERTICALS[v];
    }
    if (r() < mix.cart && pop.products.length) {
      const n = 1 + Math.floor(r() * 3);
      context.cart = Array.from({ length: n }, () => pick(pop.products));
    }
    return { userId, known: kind !== 'unknown', kind, context };
  };
}
