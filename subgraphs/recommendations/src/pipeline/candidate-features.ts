import type { Db } from '@souk/db';
import { BACKGROUND_SETTINGS, BackgroundLane } from '../background';

export interface CandidateFeatures {
  businessId: string;
  businessName: string;
  category: string;
  businessAgeDays: number;
  businessPopularity: number;
  title: string;
  price: number;
}

/** What a recommender may already know about a candidate (two-tower retrieval and the popular pool do). */
export interface CandidateFacts {
  productId: string;
  businessId?: string;
  category?: string;
  title?: string;
  price?: number;
}

interface ProductFacts {
  businessId: string;
  category: string;
  title: string;
  price: number;
}

const known = (c: CandidateFacts): ProductFacts | null =>
  c.businessId !== undefined && c.category !== undefined && c.title !== undefined && c.price !== undefined
    ? { businessId: c.businessId, category: c.category, title: c.title, price: c.price }
    : null;

interface BusinessFacts {
  name: string;
  createdAt: number;
}

// Business facts (name, age, popularity percentile) change slowly and there are few businesses
// next to products, so they live in process: the fairness stage then costs no database round trip
// when the recommender already knows each candidate's business and category (the two-tower and
// popularity paths). Everything is re-read at most this often, in the background; a business that
// changes (catalog's business.changed) is forgotten at once and re-read on its next use. Five
// minutes, not one: the percentiles are an 80-140 ms aggregate over every product's popularity, and
// its second was among a bench:serve run's slowest.
const BUSINESS_TTL_MS = 5 * 60_000;

/** What the fairness stage needs about each candidate, for a whole list in at most two queries. */
export class CandidateFeatureSource {
  private percentiles = new Map<string, number>();
  private businesses = new Map<string, BusinessFacts>();
  private loadedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = BUSINESS_TTL_MS,
    private readonly lane = new BackgroundLane(),
  ) {}

  /** These businesses changed (created, renamed): their facts are read again when next needed. */
  forget(businessIds: readonly string[]): void {
    for (const id of businessIds) this.businesses.delete(id);
  }

  /** Whether the business exists (a store page's businessId), from the cache when it can. */
  async hasBusiness(id: string): Promise<boolean> {
    return this.businesses.has(id) || (await this.loadBusinesses([id])).has(id);
  }

  async load(candidates: readonly CandidateFacts[]): Promise<Map<string, CandidateFeatures>> {
    await this.refresh();
    const facts = await this.products(candidates);
    const missing = [...new Set([...facts.values()].map((f) => f.businessId))].filter((id) => !this.businesses.has(id));
    // Read from what this call loaded too: a refresh may empty the cache while it waits.
    const loaded = missing.length > 0 ? await this.loadBusinesses(missing) : new Map<string, BusinessFacts>();
    const now = Date.now();
    const out = new Map<string, CandidateFeatures>();
    for (const [productId, f] of facts) {
      const b = this.businesses.get(f.businessId) ?? loaded.get(f.businessId);
      if (!b) continue; // a product whose business vanished is not served
      out.set(productId, {
        businessId: f.businessId,
        businessName: b.name,
        category: f.category,
        title: f.title,
        price: f.price,
        businessAgeDays: (now - b.createdAt) / 86_400_000,
        // A business with no recorded demand yet is the least popular.
        businessPopularity: this.percentiles.get(f.businessId) ?? 0,
      });
    }
    return out;
  }

  /**
   * Each candidate with its title and price, read in one query for those the recommender did not
   * know (a list that skipped Stage 3); candidates whose product no longer exists are left out.
   */
  async describe<T extends CandidateFacts>(candidates: readonly T[]): Promise<(T & { title: string; price: number })[]> {
    const facts = await this.products(candidates);
    return candidates.flatMap((c) => {
      const f = facts.get(c.productId);
      return f ? [{ ...c, title: f.title, price: f.price }] : [];
    });
  }

  /** The facts the recommender gave, and the rest from the products table in one query. */
  private async products(candidates: readonly CandidateFacts[]): Promise<Map<string, ProductFacts>> {
    const facts = new Map<string, ProductFacts>();
    const unknown: string[] = [];
    for (const c of candidates) {
      const f = known(c);
      if (f) facts.set(c.productId, f);
      else unknown.push(c.productId);
    }
    if (unknown.length > 0) {
      const rows = await this.db.query<{ id: string; business_id: string; category: string; title: string; price: number }>(
        'SELECT id, business_id, category, title, price FROM products WHERE id = ANY($1::text[])',
        [unknown],
      );
      for (const r of rows) facts.set(r.id, { businessId: r.business_id, category: r.category, title: r.title, price: Number(r.price) });
    }
    return facts;
  }

  private async loadBusinesses(ids: string[]): Promise<Map<string, BusinessFacts>> {
    const rows = await this.db.query<{ id: string; name: string; created_at: Date }>(
      'SELECT id, name, created_at FROM businesses WHERE id = ANY($1::text[])',
      [ids],
    );
    const loaded = new Map(rows.map((r) => [r.id, { name: r.name, createdAt: new Date(r.created_at).getTime() }]));
    for (const [id, b] of loaded) this.businesses.set(id, b);
    return loaded;
  }

  private async refresh(): Promise<void> {
    const stale = Date.now() - this.loadedAt > this.ttlMs;
    if (!stale) return;
    const read = async () => {
      const rows = await this.db.queryWithSettings<{ business_id: string; pct: number }>(
        BACKGROUND_SETTINGS,
        `SELECT p.business_id, percent_rank() OVER (ORDER BY sum(pp.score)) AS pct
         FROM product_popularity pp JOIN products p ON p.id = pp.product_id GROUP BY p.business_id`,
      );
      this.percentiles = new Map(rows.map((r) => [r.business_id, Number(r.pct)]));
      // Names and ages are re-read on use: bounded staleness even if a business.changed was missed.
      this.businesses = new Map();
      this.loadedAt = Date.now();
    };
    // The first read, which requests wait for, does not queue behind other background refreshes.
    this.refreshing ??= (this.loadedAt === 0 ? read() : this.lane.run(read)).finally(() => (this.refreshing = undefined));
    // The first call waits for the numbers; later refreshes run while requests use the old ones
    // (a failed refresh keeps them and is retried on the next request).
    if (this.loadedAt === 0) await this.refreshing;
    else this.refreshing.catch(() => undefined);
  }
}
