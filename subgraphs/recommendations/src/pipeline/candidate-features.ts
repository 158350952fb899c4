import type { Db } from '@souk/db';

export interface CandidateFeatures {
  businessId: string;
  businessName: string;
  category: string;
  businessAgeDays: number;
  businessPopularity: number;
}

// Business popularity percentiles change slowly; recomputing them per request would scan every
// product's popularity. They are refreshed at most this often, in the background.
const BUSINESS_STATS_TTL_MS = 60_000;

/** What the fairness stage needs about each candidate, for a whole list in one query. */
export class CandidateFeatureSource {
  private percentiles = new Map<string, number>();
  private loadedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly db: Db) {}

  async load(productIds: string[]): Promise<Map<string, CandidateFeatures>> {
    await this.businessPercentiles();
    const rows = await this.db.query<{ id: string; business_id: string; name: string; category: string; age_days: number }>(
      `SELECT p.id, p.business_id, b.name, p.category, extract(epoch FROM now() - b.created_at) / 86400 AS age_days
       FROM products p JOIN businesses b ON b.id = p.business_id WHERE p.id = ANY($1::text[])`,
      [productIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          businessId: r.business_id,
          businessName: r.name,
          category: r.category,
          businessAgeDays: Number(r.age_days),
          // A business with no recorded demand yet is the least popular.
          businessPopularity: this.percentiles.get(r.business_id) ?? 0,
        },
      ]),
    );
  }

  private async businessPercentiles(): Promise<void> {
    const stale = Date.now() - this.loadedAt > BUSINESS_STATS_TTL_MS;
    if (!stale) return;
    this.refreshing ??= this.db
      .query<{ business_id: string; pct: number }>(
        `SELECT p.business_id, percent_rank() OVER (ORDER BY sum(pp.score)) AS pct
         FROM product_popularity pp JOIN products p ON p.id = pp.product_id GROUP BY p.business_id`,
      )
      .then((rows) => {
        this.percentiles = new Map(rows.map((r) => [r.business_id, Number(r.pct)]));
        this.loadedAt = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    // The first call waits for the numbers; later refreshes run while requests use the old ones
    // (a failed refresh keeps them and is retried on the next request).
    if (this.loadedAt === 0) await this.refreshing;
    else this.refreshing.catch(() => undefined);
  }
}
