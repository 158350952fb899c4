import type { Db } from '@souk/db';
import { toVector } from '@souk/db';
import { CandidateCache, type CandidateFacts } from './candidate-cache';

/** A retrieved candidate with the product facts Stage 2 and the reasons need, and its vector (MMR in Stage 3). */
export interface Retrieved extends CandidateFacts {
  productId: string;
  towerScore: number;
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

// The facts and vectors of the candidates the cache lacks, in one statement. Products that were
// deleted since the table was built have no row and drop out.
const FACTS_SQL = (table: string) => `
SELECT p.id AS product_id, p.business_id, p.category, p.brand, p.price, p.price_range, p.title,
       extract(epoch FROM p.created_at)::float8 * 1000 AS created_ms, coalesce(pp.score, 0) AS popularity,
       vector_send(e.embedding) AS vec
  FROM ${table} e JOIN products p ON p.id = e.product_id
  LEFT JOIN product_popularity pp ON pp.product_id = e.product_id
 WHERE e.product_id = ANY($1::text[])`;

type FactsRow = { product_id: string; business_id: string; category: string; brand: string | null; price: number; price_range: number; title: string; created_ms: number; popularity: number; vec: Uint8Array };

/**
 * Stage 1's database half: the k nearest products to the user vector in one model version's
 * embedding table (the table, not the item_embeddings view, so a request never mixes a user tower
 * of one version with embeddings of another), with the facts Stage 2 and the reasons need.
 *
 * - The nearest-neighbour statement returns ids and distances only; facts and vectors come from the
 *   in-process CandidateCache, and those it lacks from one more statement (candidate-cache.ts says
 *   why). Without a cache every call reads them.
 * - The search breadth is set per query, for that statement alone: `hnsw.ef_search` (HNSW returns
 *   at most that many rows) and `ivfflat.probes`; publish builds one of the two (IVFFlat by default:
 *   see training/publish.py for the measured recall of each). Db.queryWithSettings sends settings
 *   and query in one round trip on PostgreSQL (it was four: BEGIN, SET, SELECT, COMMIT).
 * - A vertical filter keeps the index and lets pgvector's iterative scan go on until k rows pass.
 * - A single business holds a few hundred products at most: those are scored exactly (the
 *   `* 1` keeps the planner off the index, which would have to walk most of the graph to find them).
 */
export async function retrieve(db: Db, table: string, user: Float32Array, o: RetrievalOptions, cache: CandidateCache = new CandidateCache()): Promise<Retrieved[]> {
  if (!TABLE.test(table)) throw new Error(`not an embedding table: ${table}`);
  const vec = toVector(user);
  type R = { product_id: string; dist: number };
  let nearest: R[];
  if (o.businessId) {
    nearest = await db.query<R>(`SELECT product_id, (embedding <=> $1::vector) * 1 AS dist FROM ${table} WHERE business_id = $2 ORDER BY 2 LIMIT $3`, [vec, o.businessId, o.k]);
  } else {
    const iterative = o.vertical ? 'relaxed_order' : 'off';
    const settings = { 'hnsw.ef_search': String(Math.max(o.efSearch, o.k)), 'hnsw.iterative_scan': iterative, 'ivfflat.probes': String(o.probes ?? 20), 'ivfflat.iterative_scan': iterative };
    const where = o.vertical ? 'WHERE vertical = $3' : '';
    const params = o.vertical ? [vec, o.k, o.vertical] : [vec, o.k];
    nearest = await db.queryWithSettings<R>(settings, `SELECT product_id, embedding <=> $1::vector AS dist FROM ${table} ${where} ORDER BY embedding <=> $1::vector LIMIT $2`, params);
  }
  // Nearest first: an HNSW scan with relaxed_order (the iterative scan of filtered queries) may
  // return its rows slightly out of order.
  nearest.sort((a, b) => a.dist - b.dist);
  const now = Date.now();
  const missing = nearest.filter((r) => !cache.get(table, r.product_id, now)).map((r) => r.product_id);
  if (missing.length) {
    for (const r of await db.query<FactsRow>(FACTS_SQL(table), [missing])) {
      cache.set(table, r.product_id, {
        businessId: r.business_id, category: r.category, brand: r.brand, price: Number(r.price), priceRange: Number(r.price_range), title: r.title,
        createdAt: new Date(r.created_ms), popularity: Number(r.popularity), embedding: fromVectorSend(r.vec),
      }, now);
    }
  }
  return nearest.flatMap((r) => {
    const facts = cache.get(table, r.product_id, now);
    return facts ? [{ productId: r.product_id, towerScore: 1 - Number(r.dist), ...facts }] : [];
  });
}
