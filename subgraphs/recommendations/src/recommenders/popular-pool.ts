import type { Db } from '@souk/db';

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

// The most popular eligible products per (vertical, business), shared by every request for half a
// minute: the ranking is the same for everyone, and it was the heaviest query of the popularity
// and profile paths (about 100 ms for a whole vertical on 100k products; with a 5 s life the four
// unfiltered and vertical pools cost PostgreSQL 8 % of a core in bench:serve). It is dropped
// whenever the catalog reports a stock, opening or product change (bus events), so a product back
// in stock or just created is eligible from the next request; the TTL only bounds how stale the
// popularity scores themselves get; and stage 4 filters every served list against live availability.
const TTL_MS = 30_000;
const SIZE = 2_000;

export class PopularPool {
  private readonly entries = new Map<string, { at: number; rows: Promise<PopularProduct[]> }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = TTL_MS,
  ) {}

  /** Forget every cached ranking (the catalog changed). */
  invalidate(): void {
    this.entries.clear();
  }

  get(vertical: string | null, businessId: string | null): Promise<PopularProduct[]> {
    const key = `${vertical ?? '*'}|${businessId ?? '*'}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.rows;
    const rows = this.load(vertical, businessId);
    this.entries.set(key, { at: Date.now(), rows });
    rows.catch(() => this.entries.delete(key));
    return rows;
  }

  private async load(vertical: string | null, businessId: string | null): Promise<PopularProduct[]> {
    // Only the filters that apply, one statement per combination: a `($1 IS NULL OR b.id = $1)`
    // form gives the planner one generic plan for every combination, which need not use
    // products_business. A store page's pool measured 0.9-2.8 ms a statement in bench:serve.
    const where: string[] = [];
    const params: string[] = [];
    if (vertical) where.push(`b.vertical = $${params.push(vertical)}`);
    if (businessId) where.push(`b.id = $${params.push(businessId)}`);
    const rows = await this.db.query<{ id: string; category: string; brand: string | null; vertical: string; business_id: string; business_name: string; title: string; price: number; score: number }>(
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
