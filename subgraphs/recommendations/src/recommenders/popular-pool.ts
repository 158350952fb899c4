import type { Db } from '@souk/db';
import { BACKGROUND_SETTINGS, BackgroundLane } from '../background';

export interface PopularProduct {
  id: string;
  category: string;
  brand: string | null;
  vertical: string;
  businessId: string;
  businessName: string;
  title: string;
  price: number;
  score: number;
}

// The most popular eligible products per (vertical, business), shared by every request for five
// minutes: the ranking is the same for everyone and moves slowly, and it was the heaviest query of
// the popularity and profile paths (50-110 ms for a whole vertical on 100k products in bench:serve;
// with a 5 s life the four unfiltered and vertical pools cost PostgreSQL 8 % of a core). With a
// half-minute life, PostgreSQL's statement log put a bench:serve run's slowest 1 % in the seconds
// of each round of refreshes, even one statement a second: on two busy cores each takes one of
// them for 50-110 ms.
// - Past its five minutes a pool is still served while one refresh runs in the background, so no
//   request waits out that query (those waits were the slowest answers of the popularity path).
// - A catalog change (an opening or product bus event) drops every pool instead: the next request
//   waits for the query. A stock change drops them only when one of its products has a popularity
//   score: one without is in no pool and cannot enter one (a new product, a freshness probe's), and
//   dropping every pool for it made each new product cost four 25-90 ms statements at once, the
//   slowest second of a bench:serve run. A product back in stock is eligible from the very next
//   request. Stage 4 filters every served list against live availability either way, so nothing
//   sold out is served from a pool.
const TTL_MS = 5 * 60_000;
const SIZE = 2_000;
// Store pages add a pool per business: past this many, the least recently created one goes.
const MAX_POOLS = 2_000;

interface Pool {
  at: number;
  rows: Promise<PopularProduct[]>;
  refreshing: boolean;
}

export class PopularPool {
  private readonly entries = new Map<string, Pool>();
  /** A stock change being checked: requests wait for it (a primary-key lookup), not for a pool. */
  private checking: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = TTL_MS,
    private readonly lane = new BackgroundLane(),
  ) {}

  /** Forget every cached ranking (the catalog changed). */
  invalidate(): void {
    this.entries.clear();
  }

  /** Stock changed for these products: the pools are dropped if any of them has a popularity score. */
  stockChanged(productIds: readonly string[]): void {
    const check = this.db
      .query('SELECT 1 FROM product_popularity WHERE product_id = ANY($1::text[]) LIMIT 1', [productIds])
      .then((rows) => rows.length > 0)
      .catch(() => true) // cannot tell: drop them
      .then((drop) => {
        if (drop) this.invalidate();
      });
    const previous = this.checking;
    const both = previous ? Promise.all([previous, check]).then(() => undefined) : check;
    this.checking = both;
    void both.finally(() => {
      if (this.checking === both) this.checking = undefined;
    });
  }

  get(vertical: string | null, businessId: string | null): Promise<PopularProduct[]> {
    if (this.checking) return this.checking.then(() => this.get(vertical, businessId));
    const key = `${vertical ?? '*'}|${businessId ?? '*'}`;
    const hit = this.entries.get(key);
    if (hit) {
      if (Date.now() - hit.at >= this.ttlMs) this.refresh(key, hit, vertical, businessId);
      return hit.rows;
    }
    if (this.entries.size >= MAX_POOLS) this.entries.delete(this.entries.keys().next().value as string);
    const rows = this.load(vertical, businessId);
    this.entries.set(key, { at: Date.now(), rows, refreshing: false });
    rows.catch(() => this.entries.delete(key));
    return rows;
  }

  /** Replaces an old pool once the new ranking is read; until then, and if that fails, the old one serves. */
  private refresh(key: string, pool: Pool, vertical: string | null, businessId: string | null): void {
    if (pool.refreshing) return;
    pool.refreshing = true;
    // `at` is taken when the read starts, not when it was queued: the pool's age is its data's age.
    const read = this.lane.run(async () => ({ at: Date.now(), rows: await this.load(vertical, businessId) }));
    read.then(
      // Unless the catalog changed meanwhile: then the pool was dropped, and this read may predate the change.
      ({ at, rows }) => {
        if (this.entries.get(key) === pool) this.entries.set(key, { at, rows: Promise.resolve(rows), refreshing: false });
      },
      () => (pool.refreshing = false), // tried again on the next request
    );
  }

  private async load(vertical: string | null, businessId: string | null): Promise<PopularProduct[]> {
    // Only the filters that apply, one statement per combination: a `($1 IS NULL OR b.id = $1)`
    // form gives the planner one generic plan for every combination, which need not use
    // products_business. A store page's pool measured 0.9-2.8 ms a statement in bench:serve.
    const where: string[] = [];
    const params: string[] = [];
    if (vertical) where.push(`b.vertical = $${params.push(vertical)}`);
    if (businessId) where.push(`b.id = $${params.push(businessId)}`);
    const rows = await this.db.queryWithSettings<{ id: string; category: string; brand: string | null; vertical: string; business_id: string; business_name: string; title: string; price: number; score: number }>(
      BACKGROUND_SETTINGS,
      `SELECT p.id, p.category, p.brand, b.vertical, b.id AS business_id, b.name AS business_name, p.title, p.price, pp.score
         FROM product_popularity pp
         JOIN products p ON p.id = pp.product_id
         JOIN businesses b ON b.id = p.business_id
         JOIN stock s ON s.product_id = p.id
        WHERE s.quantity > 0 AND b.is_open${where.map((w) => ` AND ${w}`).join('')}
        ORDER BY pp.score DESC, p.id
        LIMIT ${SIZE}`,
      params,
    );
    return rows.map((r) => ({ id: r.id, category: r.category, brand: r.brand, vertical: r.vertical, businessId: r.business_id, businessName: r.business_name, title: r.title, price: Number(r.price), score: Number(r.score) }));
  }
}
