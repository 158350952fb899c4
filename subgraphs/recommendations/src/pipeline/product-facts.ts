import type { Db } from '@souk/db';
import { countCache } from '@souk/observability';

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
  /** Past this many products, those first read longest ago are dropped first. */
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
  // Column-wise, not an object per product: the cache lives in V8's old generation, and a major GC's
  // pause grows with the objects there. In 300 s bench:serve runs the three major GCs paused 3 x 36
  // ms with an object, a Date and three strings per product (3 x 32 ms updating them in place),
  // 3 x 24 ms like this, 3 x 18 ms without the cache. Here a product costs its id and title strings;
  // categories and brands are shared; the numbers sit in one typed array. Slots are reused first in,
  // first out past maxEntries.
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];
  private readonly titles: string[] = [];
  private readonly categories: string[] = [];
  private readonly brands: (string | null)[] = [];
  private readonly numbers: Float64Array; // per slot: price, priceRange, createdMs, popularity, read at
  private readonly shared = new Map<string, string>();
  private next = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: ProductFactsOptions = DEFAULT_PRODUCT_FACTS,
    private readonly now: () => number = Date.now,
  ) {
    this.numbers = new Float64Array(Math.max(1, opts.maxEntries) * WIDTH);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /**
   * The facts of these products that exist, read from the database only where not held or stale.
   * Each is a new object the caller may keep and extend (retrieval.ts completes it into a candidate).
   */
  async get(ids: readonly string[]): Promise<Map<string, ProductFacts>> {
    const out = new Map<string, ProductFacts>();
    const missing: string[] = [];
    const t = this.now();
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined && t - this.numbers[slot * WIDTH + AT] < this.opts.ttlMs) out.set(id, this.facts(slot));
      else missing.push(id);
    }
    countCache('product_facts', true, out.size);
    countCache('product_facts', false, missing.length);
    if (missing.length === 0) return out;
    const rows = await this.db.query<{ facts: Row[] | string }>(FACTS_SQL, [missing]);
    const raw = rows[0]?.facts ?? [];
    const list = typeof raw === 'string' ? (JSON.parse(raw) as Row[]) : raw;
    const at = this.now();
    for (const [id, category, brand, price, priceRange, title, createdMs, popularity] of list) {
      const slot = this.slotOf.get(id) ?? this.claim(id);
      if (this.titles[slot] !== title) this.titles[slot] = title; // an unchanged string stays the one already held
      this.categories[slot] = this.intern(category);
      this.brands[slot] = brand === null ? null : this.intern(brand);
      const n = this.numbers;
      const o = slot * WIDTH;
      n[o + PRICE] = Number(price);
      n[o + PRICE_RANGE] = Number(priceRange);
      n[o + CREATED] = createdMs;
      n[o + POPULARITY] = Number(popularity);
      n[o + AT] = at;
      out.set(id, this.facts(slot));
    }
    return out;
  }

  /** Products whose facts changed: read again on their next use. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) this.numbers[slot * WIDTH + AT] = -Infinity;
    }
  }

  private facts(slot: number): ProductFacts {
    const o = slot * WIDTH;
    const n = this.numbers;
    return {
      category: this.categories[slot], brand: this.brands[slot], title: this.titles[slot],
      price: n[o + PRICE], priceRange: n[o + PRICE_RANGE], createdAt: new Date(n[o + CREATED]), popularity: n[o + POPULARITY],
    };
  }

  /** A slot for a product not held: the next one, whose previous product (if any) is dropped. */
  private claim(id: string): number {
    const slot = this.next;
    this.next = (this.next + 1) % Math.max(1, this.opts.maxEntries);
    const previous = this.ids[slot];
    if (previous !== undefined) this.slotOf.delete(previous);
    this.ids[slot] = id;
    this.slotOf.set(id, slot);
    return slot;
  }

  private intern(s: string): string {
    const held = this.shared.get(s);
    if (held !== undefined) return held;
    if (this.shared.size < 10_000) this.shared.set(s, s); // categories and brands are few; a flood is not kept
    return s;
  }
}

const WIDTH = 5;
const [PRICE, PRICE_RANGE, CREATED, POPULARITY, AT] = [0, 1, 2, 3, 4];
