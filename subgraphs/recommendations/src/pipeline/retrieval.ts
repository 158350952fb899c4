import type { Db } from '@souk/db';
import { toVector } from '@souk/db';
import type { ProductFacts, ProductFactsCache } from './product-facts';

/** A retrieved candidate with the product facts Stage 2 and the reasons need. */
export interface Retrieved extends ProductFacts {
  productId: string;
  businessId: string;
  towerScore: number;
}

export interface RetrievalOptions {
  k: number;
  /** HNSW: candidate list size (it returns at most this many rows). */
  efSearch: number;
  /** IVFFlat: lists scanned in each partition read. Both are set; the table's index uses its own. */
  probes?: number;
  /** IVFFlat probes of a query with no vertical, which merges every partition's scan (default: probes). */
  probesUnfiltered?: number;
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

// The candidates come back as one JSON array, not 200 rows: node-postgres makes a string of every
// field of every row, and JSON.parse builds the numbers directly. The vectors are not in it: only
// the few candidates Stage 2 keeps need one (embeddings() below). Their facts (category, price,
// popularity...) come from ProductFactsCache, which holds the products retrieval keeps returning:
// joined here, they were 400 index lookups a request in PostgreSQL. The aggregate's ORDER BY has
// product_id after dist on purpose: on PGlite, without it, the list came back in the index's
// approximate order, not sorted (retrieval.test.ts). We take it to be PostgreSQL 16's presorted
// aggregate input trusting the index scan's ORDER BY; the tie-breaker makes a real sort necessary.
type ScoredRow = [productId: string, businessId: string, score: number];
const scored = (inner: string) => `
SELECT coalesce(json_agg(json_build_array(c.product_id, c.business_id, 1 - c.dist) ORDER BY c.dist, c.product_id), '[]') AS facts FROM (${inner}) c`;

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
export async function retrieve(db: Db, table: string, user: Float32Array, o: RetrievalOptions, facts: ProductFactsCache): Promise<Retrieved[]> {
  if (!TABLE.test(table)) throw new Error(`not an embedding table: ${table}`);
  const vec = toVector(user);
  type R = { facts: ScoredRow[] | string };
  let rows: R[];
  if (o.businessId) {
    rows = await db.query<R>(scored(`SELECT product_id, business_id, (embedding <=> $1::vector) * 1 AS dist FROM ${table} WHERE business_id = $2 ORDER BY 3 LIMIT $3`), [vec, o.businessId, o.k]);
  } else {
    const iterative = o.vertical ? 'relaxed_order' : 'off';
    const settings = { 'hnsw.ef_search': String(Math.max(o.efSearch, o.k)), 'hnsw.iterative_scan': iterative, 'ivfflat.probes': String((o.vertical ? o.probes : (o.probesUnfiltered ?? o.probes)) ?? 20), 'ivfflat.iterative_scan': iterative };
    const where = o.vertical ? 'WHERE vertical = $3' : '';
    const params = o.vertical ? [vec, o.k, o.vertical] : [vec, o.k];
    rows = await db.queryWithSettings<R>(settings, scored(`SELECT product_id, business_id, embedding <=> $1::vector AS dist FROM ${table} ${where} ORDER BY embedding <=> $1::vector LIMIT $2`), params);
  }
  const raw = rows[0]?.facts ?? [];
  const list = typeof raw === 'string' ? (JSON.parse(raw) as ScoredRow[]) : raw;
  const known = await facts.get(list.map((r) => r[0]));
  const out: Retrieved[] = [];
  for (const [productId, businessId, score] of list) {
    const f = known.get(productId);
    // get() hands over fresh objects: completing one saves copying it for each of 200 candidates.
    if (f) out.push(Object.assign(f, { productId, businessId, towerScore: Number(score) })); // no products row: not served
  }
  return out;
}

/**
 * The product tower's vectors (L2-normalised) of these products in one version's table, for MMR in
 * Stage 3: read after Stage 2, for the candidates it kept. A product without a row is left out.
 */
export async function embeddings(db: Db, table: string, productIds: readonly string[]): Promise<Map<string, Float32Array>> {
  if (!TABLE.test(table)) throw new Error(`not an embedding table: ${table}`);
  if (productIds.length === 0) return new Map();
  const rows = await db.query<{ product_id: string; vec: Uint8Array }>(
    `SELECT product_id, vector_send(embedding) AS vec FROM ${table} WHERE product_id = ANY($1::text[])`,
    [productIds],
  );
  return new Map(rows.map((r) => [r.product_id, fromVectorSend(r.vec)]));
}
