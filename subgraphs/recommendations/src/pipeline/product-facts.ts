import type { Db } from '@souk/db';

/** What Stage 2 and the reasons need about a retrieved product, besides its vector score. */
export interface ProductFacts {
  category: string;
  brand: string | null;
  price: number;
  priceRange: number;
  title: string;
  createdAt: Date;
  /** product_popularity.score as stored (0 without a row); rank-features.ts decays it. */
  popularity: number;
}

export interface ProductFactsOptions {
  /** An entry older than this is read again: popularity moves with every interaction. */
  ttlMs: number;
  /** Past this many products, those read from the database longest ago are dropped first. */
  maxEntries: number;
}

export const DEFAULT_PRODUCT_FACTS: ProductFactsOptions = { ttlMs: 30_000, maxEntries: 150_000 };

type Row = [id: string, category: string, brand: string | null, price: number, priceRange: number, title: string, createdMs: number, popularity: number];

// One JSON array, not rows: node-postgres would make a string of every field (retrieval.ts says more).
const FACTS_SQL = `
SELECT coalesce(json_agg(json_build_array(p.id, p.category, p.brand, p.price, p.price_range, p.title,
         extract(epoch FROM p.created_at)::float8 * 1000, coalesce(pp.score, 0))), '[]') AS facts
  FROM products p LEFT JOIN product_popularity pp ON pp.product_id = p.id
 WHERE p.id = ANY($1::text[])`;

/**
 * The facts of retrieved products, kept in process. Joining them to the 200 candidates in the
 * retrieval statement was 200 primary-key lookups in products and 200 in product_popularity per
 * request: about 1.8 ms of PostgreSQL's CPU each time (the bare IVFFlat top-200 filtered to a
 * vertical is 0.9 ms), on a database whose cores the serving process shares. The same products
 * come back request after request, so each is read once and then served from here; a request reads
 * only the products it has not seen lately, in one statement.
 *
 * Fresh enough: the catalog's `product.changed` (price, title, category...) forgets a product at
 * once (forget()), and every entry is re-read after `ttlMs` anyway, which bounds both a missed
 * event and popularity, which changes with every interaction. A product with no row in products
 * (deleted) is not returned, as the join did not return it.
 */
export class ProductFactsCache {
  private readonly entries = new Map<string, { facts: ProductFacts; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly opts: ProductFactsOptions = DEFAULT_PRODUCT_FACTS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The facts of these products that exist, read from the database only where not held or stale. */
  async get(ids: readonly string[]): Promise<Map<string, ProductFacts>> {
    const out = new Map<string, ProductFacts>();
    const missing: string[] = [];
    const t = this.now();
    for (const id of ids) {
      const e = this.entries.get(id);
      if (e && t - e.at < this.opts.ttlMs) out.set(id, e.facts);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await this.db.query<{ facts: Row[] | string }>(FACTS_SQL, [missing]);
    const raw = rows[0]?.facts ?? [];
    const list = typeof raw === 'string' ? (JSON.parse(raw) as Row[]) : raw;
    const at = this.now();
    for (const [id, category, brand, price, priceRange, title, createdMs, popularity] of list) {
      const facts: ProductFacts = {
        category, brand, price: Number(price), priceRange: Number(priceRange), title, createdAt: new Date(createdMs), popularity: Number(popularity),
      };
      this.entries.delete(id); // re-inserted last: Map order is the eviction order
      this.entries.set(id, { facts, at });
      out.set(id, facts);
    }
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.opts.maxEntries) break;
      this.entries.delete(id);
    }
    return out;
  }

  /** Products whose facts changed: read again on their next use. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.entries.delete(id);
  }
}
