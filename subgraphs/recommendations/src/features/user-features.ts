import type { Db } from '@souk/db';
import { fromVector } from '@souk/db';
import { countCache } from '@souk/observability';
import type { FeatureCache } from '@souk/realtime';

/** A past positive interaction, with what Stage 1 and Stage 2 need of its product. */
export interface HistoryItem {
  productId: string;
  type: string;
  at: number;
  category: string;
  brand: string | null;
  price: number;
  priceRange: number;
  title: string;
}

/**
 * What serving knows about a user, model-independent (ids, not vocabulary indices), so one cache
 * entry serves every model version. The vectors are derived once per entry: the mean MiniLM vector
 * of the last searches and the mean image vector of the last positives, as training/features.py.
 */
export interface UserFeatures {
  userId: string;
  ageGroup: string | null;
  gender: string | null;
  city: string | null;
  favouriteCategories: string[];
  favouriteBrands: string[];
  /** Positive interactions, oldest first, at most `historyMax`. */
  history: HistoryItem[];
  queryVec: Float32Array | null;
  visualVec: Float32Array | null;
  /**
   * Epoch ms of the user's last interaction of any type, null without one: the profile path's
   * "cold user" test. Any recorded interaction invalidates the cache entry, so a hit holds it exact.
   */
  lastActiveAt: number | null;
  /** The text encoder the query vector came from. */
  encoder: string;
  /** Layout of this object; a cache entry of another layout is recomputed. */
  format: number;
}

const FORMAT = 3;

export interface FeatureSpec {
  positiveTypes: string[];
  historyMax: number;
  queryLast: number;
  visualLast: number;
}

export type EmbedText = (texts: string[]) => Promise<Float32Array[]>;

// One round trip: the profile, the last positives with their products, the last searches, and the
// sum of the image vectors of the last positives (duplicates counted, as training counts them).
const LOAD_SQL = `
WITH h AS (
  SELECT i.product_id, i.type, i.occurred_at, i.event_id, p.category, p.brand, p.price, p.price_range, p.title
    FROM interactions i JOIN products p ON p.id = i.product_id
   WHERE i.user_id = $1 AND i.type = ANY($2::text[])
   ORDER BY i.occurred_at DESC, i.event_id DESC LIMIT $3)
SELECT u.age_group, u.gender, u.city, u.favourite_categories, u.favourite_brands,
  (SELECT coalesce(json_agg(json_build_array(h.product_id, h.type, (extract(epoch FROM h.occurred_at) * 1000)::bigint, h.category, h.brand, h.price, h.title, h.price_range) ORDER BY h.occurred_at, h.event_id), '[]') FROM h) AS history,
  (SELECT coalesce(json_agg(q.query ORDER BY q.occurred_at), '[]')
     FROM (SELECT query, occurred_at FROM interactions
            WHERE user_id = $1 AND type = 'SEARCH' AND query IS NOT NULL
            ORDER BY occurred_at DESC LIMIT $4) q) AS queries,
  (SELECT sum(pi.embedding)::text FROM (SELECT product_id FROM h ORDER BY occurred_at DESC, event_id DESC LIMIT $5) l
     JOIN product_images pi ON pi.product_id = l.product_id) AS visual_sum,
  (SELECT extract(epoch FROM max(occurred_at))::float8 * 1000 FROM interactions WHERE user_id = $1) AS last_active_ms
FROM users u WHERE u.id = $1`;

interface Row {
  age_group: string | null;
  gender: string | null;
  city: string | null;
  favourite_categories: string[];
  favourite_brands: string[];
  history: [string, string, number, string, string | null, number, string, number][] | string;
  queries: string[] | string;
  visual_sum: string | null;
  last_active_ms: number | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** Summed in float64, stored as float32: the tower's input type. */
function mean(vectors: ArrayLike<number>[], divisor: number): Float32Array | null {
  if (vectors.length === 0) return null;
  const sum = new Float64Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i] += v[i];
  // A loop, not Float32Array.from(sum, fn): that goes through the iterator, an object per element.
  const out = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = sum[i] / divisor;
  return out;
}

// A cache entry is JSON with the two vectors as base64 float32: the image vector alone is 1280
// numbers, and as JSON digits it was most of a 40 KB entry that every request parsed.
type Encoded = Omit<UserFeatures, 'queryVec' | 'visualVec'> & { queryVec: string | null; visualVec: string | null };

const toBase64 = (v: Float32Array | null) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : null);

function fromBase64(s: string | null): Float32Array | null {
  if (s === null) return null;
  const bytes = Buffer.from(s, 'base64');
  // A copy: a small Buffer may sit at an offset of the shared pool that float32 cannot view.
  const out = new Float32Array(bytes.byteLength >> 2);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeUserFeatures(f: UserFeatures): string {
  return JSON.stringify({ ...f, queryVec: toBase64(f.queryVec), visualVec: toBase64(f.visualVec) } satisfies Encoded);
}

/** The entry, or null when it is of another layout (it is then recomputed). */
export function decodeUserFeatures(raw: string): UserFeatures | null {
  const e = JSON.parse(raw) as Encoded;
  if (e.format !== FORMAT) return null;
  return { ...e, queryVec: fromBase64(e.queryVec), visualVec: fromBase64(e.visualVec) };
}

/**
 * Loads a user's features: from the cache when the interactions subgraph has not invalidated them,
 * otherwise from PostgreSQL (two queries) and stored back. `null` for a user Souk does not know.
 */
export class UserFeatureSource {
  constructor(
    private readonly db: Db,
    private readonly cache: FeatureCache | null,
  ) {}

  async load(userId: string, spec: FeatureSpec, embed: EmbedText, encoder: string): Promise<UserFeatures | null> {
    const cached = await this.fromCache(userId, encoder);
    if (cached) return cached;
    const features = await this.fromDb(userId, spec, embed, encoder);
    // Not awaited: the request need not wait for the cache to take it.
    if (features && this.cache) this.cache.set(userId, encodeUserFeatures(features)).catch(() => undefined);
    return features;
  }

  private async fromCache(userId: string, encoder: string): Promise<UserFeatures | null> {
    if (!this.cache) return null;
    const raw = await this.cache.get(userId).catch(() => null);
    const hit = raw ? decodeUserFeatures(raw) : null;
    const usable = hit !== null && hit.encoder === encoder;
    countCache('user_features', usable);
    return usable ? hit : null;
  }

  private async fromDb(userId: string, spec: FeatureSpec, embed: EmbedText, encoder: string): Promise<UserFeatures | null> {
    const [row] = await this.db.query<Row>(LOAD_SQL, [userId, spec.positiveTypes, spec.historyMax, spec.queryLast, spec.visualLast]);
    if (!row) return null;
    const history = json(row.history).map(([productId, type, at, category, brand, price, title, priceRange]) => ({ productId, type, at: Number(at), category, brand, price: Number(price), priceRange: Number(priceRange), title }));
    const queries = json(row.queries);
    const queryVec = queries.length ? mean(await embed(queries), queries.length) : null;
    // Mean image of the last positives: products without an image count as zeros, as in training.
    const last = Math.min(spec.visualLast, history.length);
    const visualVec = row.visual_sum && last ? mean([fromVector(row.visual_sum)], last) : null;
    return {
      userId, ageGroup: row.age_group, gender: row.gender, city: row.city,
      favouriteCategories: row.favourite_categories ?? [], favouriteBrands: row.favourite_brands ?? [],
      history, queryVec, visualVec, lastActiveAt: row.last_active_ms === null ? null : Number(row.last_active_ms), encoder, format: FORMAT,
    };
  }
}
