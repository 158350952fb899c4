import type { Db } from '@souk/db';
import { toVector } from '@souk/db';

/** A retrieved candidate with the product facts Stage 2 and the reasons need. */
export interface Retrieved {
  productId: string;
  businessId: string;
  towerScore: number;
  category: string;
  brand: string | null;
  price: number;
  priceRange: number;
  title: string;
  createdAt: Date;
  popularity: number;
  /** The product tower's vector (L2-normalised): MMR in Stage 3 measures similarity with it. */
  embedding: Float32Array;
}

export interface RetrievalOptions {
  k: number;
  /** HNSW: candidate list size (it returns at most this many rows). */
  efSearch: number;
  /** IVFFlat: lists scanned. Both are set; the table's index uses its own. */
  probes?: number;
  vertical: string | null;
  businessId: string | null;
}

const TABLE = /^item_embeddings_v\d+$/;

/**
 * pgvector's binary form (vector_send): uint16 dimensions, uint16 unused, then big-endian float4s.
 * A fifth of the bytes of the text form, and no number parsing.
 */
export function fromVectorSend(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dim = view.getUint16(0);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = view.getFloat32(4 + 4 * i);
  return out;
}

// The candidates are joined to their products in the same statement: Stage 2's features and the
// reasons cost no second round trip. created_at comes as epoch milliseconds: parsing 200 timestamp
// strings a request showed up in the profile.
const facts = (inner: string) => `
WITH c AS (${inner})
SELECT c.product_id, c.business_id, 1 - c.dist AS score, p.category, p.brand, p.price, p.price_range, p.title,
       extract(epoch FROM p.created_at)::float8 * 1000 AS created_ms,
       coalesce(pp.score, 0) AS popularity, c.vec
  FROM c JOIN products p ON p.id = c.product_id
  LEFT JOIN product_popularity pp ON pp.product_id = c.product_id
 ORDER BY c.dist`;

/**
 * Stage 1's database half: the k nearest products to the user vector in one model version's
 * embedding table (the table, not the item_embeddings view, so a request never mixes a user tower
 * of one version with embeddings of another).
 *
 * - The search breadth is set per query, for that statement alone: `hnsw.ef_search` (HNSW returns
 *   at most that many rows) and `ivfflat.probes`; publish builds one of the two (IVFFlat by default:
 *   see training/publish.py for the measured recall of each). Db.queryWithSettings sends settings
 *   and query in one round trip on PostgreSQL (it was four: BEGIN, SET, SELECT, COMMIT).
 * - A vertical filter keeps the index and lets pgvector's iterative scan go on until k rows pass.
 * - A single business holds a few hundred products at most: those are scored exactly (the
 *   `* 1` keeps the planner off the index, which would have to walk most of the graph to find them).
 */
export async function retrieve(db: Db, table: string, user: Float32Array, o: RetrievalOptions): Promise<Retrieved[]> {
  if (!TABLE.test(table)) throw new Error(`not an embedding table: ${table}`);
  const vec = toVector(user);
  type R = { product_id: string; business_id: string; score: number; category: string; brand: string | null; price: number; price_range: number; title: string; created_ms: number; popularity: number; vec: Uint8Array };
  let rows: R[];
  if (o.businessId) {
    rows = await db.query<R>(facts(`SELECT product_id, business_id, (embedding <=> $1::vector) * 1 AS dist, vector_send(embedding) AS vec FROM ${table} WHERE business_id = $2 ORDER BY 3 LIMIT $3`), [vec, o.businessId, o.k]);
  } else {
    const iterative = o.vertical ? 'relaxed_order' : 'off';
    const settings = { 'hnsw.ef_search': String(Math.max(o.efSearch, o.k)), 'hnsw.iterative_scan': iterative, 'ivfflat.probes': String(o.probes ?? 20), 'ivfflat.iterative_scan': iterative };
    const where = o.vertical ? 'WHERE vertical = $3' : '';
    const params = o.vertical ? [vec, o.k, o.vertical] : [vec, o.k];
    rows = await db.queryWithSettings<R>(settings, facts(`SELECT product_id, business_id, embedding <=> $1::vector AS dist, vector_send(embedding) AS vec FROM ${table} ${where} ORDER BY embedding <=> $1::vector LIMIT $2`), params);
  }
  return rows.map((r) => ({
    productId: r.product_id, businessId: r.business_id, towerScore: Number(r.score), category: r.category, brand: r.brand,
    price: Number(r.price), priceRange: Number(r.price_range), title: r.title, createdAt: new Date(r.created_ms), popularity: Number(r.popularity),
    embedding: fromVectorSend(r.vec),
  }));
}
