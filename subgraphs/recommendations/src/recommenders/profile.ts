import type { Db } from '@souk/db';
import type { Candidate, RecommendationRequest, Recommender } from './types';

// Users with stated preferences but no recent history (new sign-ups, or long absent).
const HISTORY_WINDOW_DAYS = 30;

/**
 * The cold-start path: for a user with no recent interactions, the popular products of the
 * categories and brands they said they like. Users with history are left to the recommenders that
 * learn from it (this one answers nothing for them, and the chain moves on).
 */
export class ProfileRecommender implements Recommender {
  readonly name = 'profile';
  readonly modelVersion = 'profile-v1';

  constructor(private readonly db: Db) {}

  async recommend(req: RecommendationRequest): Promise<Candidate[] | null> {
    const rows = await this.db.query<{ id: string | null; category: string; brand: string | null; by_brand: boolean; score: number | null }>(
      `WITH u AS (
         SELECT favourite_categories AS cats, favourite_brands AS brands FROM users
         WHERE id = $1
           AND (cardinality(favourite_categories) > 0 OR cardinality(favourite_brands) > 0)
           AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = $1 AND i.occurred_at > now() - interval '${HISTORY_WINDOW_DAYS} days')
       )
       -- One row with id NULL says "a cold user with preferences" even when nothing matches.
       SELECT NULL AS id, NULL AS category, NULL AS brand, false AS by_brand, NULL::float8 AS score FROM u
       UNION ALL (
         SELECT p.id, p.category, p.brand, (p.brand = ANY(u.brands)), pp.score
         FROM u, product_popularity pp
         JOIN products p ON p.id = pp.product_id
         JOIN businesses b ON b.id = p.business_id
         JOIN stock s ON s.product_id = p.id
         WHERE (p.category = ANY(u.cats) OR p.brand = ANY(u.brands))
           AND s.quantity > 0 AND b.is_open
           AND ($2::text IS NULL OR b.vertical = $2)
           AND ($3::text IS NULL OR b.id = $3)
           AND NOT (p.id = ANY($4::text[]))
         ORDER BY pp.score DESC, p.id
         LIMIT $5
       )`,
      [req.userId, req.vertical, req.businessId, req.cart, req.limit],
    );
    if (rows.length === 0) return null; // not cold, or no stated preferences: not this path's user
    // Relative scores by rank: popularity's absolute values carry an arbitrary epoch factor.
    // (UNION ALL promises no order across its branches, so the ranking is restated here.)
    const ranked = rows
      .filter((r): r is typeof r & { id: string; score: number } => r.id !== null)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    return ranked.map((r, i) => ({
      productId: r.id,
      score: 1 / (1 + i * 0.05),
      reason: r.by_brand && r.brand ? `Because you like ${r.brand}` : `Because you like ${r.category}`,
    }));
  }
}
