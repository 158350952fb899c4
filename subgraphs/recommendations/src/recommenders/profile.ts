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
    // First the cheap question (two index lookups), so the catalogue is only scanned for the
    // few users this path is for.
    const [user] = await this.db.query<{ cats: string[]; brands: string[] }>(
      `SELECT favourite_categories AS cats, favourite_brands AS brands FROM users
       WHERE id = $1
         AND (cardinality(favourite_categories) > 0 OR cardinality(favourite_brands) > 0)
         AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = $1 AND i.occurred_at > now() - interval '${HISTORY_WINDOW_DAYS} days')`,
      [req.userId],
    );
    if (!user) return null; // not cold, or no stated preferences: not this path's user
    const ranked = await this.db.query<{ id: string; category: string; brand: string | null; by_brand: boolean }>(
      `SELECT p.id, p.category, p.brand, (p.brand = ANY($2::text[])) AS by_brand
       FROM product_popularity pp
       JOIN products p ON p.id = pp.product_id
       JOIN businesses b ON b.id = p.business_id
       JOIN stock s ON s.product_id = p.id
       WHERE (p.category = ANY($1::text[]) OR p.brand = ANY($2::text[]))
         AND s.quantity > 0 AND b.is_open
         AND ($3::text IS NULL OR b.vertical = $3)
         AND ($4::text IS NULL OR b.id = $4)
         AND NOT (p.id = ANY($5::text[]))
       ORDER BY pp.score DESC, p.id
       LIMIT $6`,
      [user.cats, user.brands, req.vertical, req.businessId, req.cart, req.limit],
    );
    // Relative scores by rank: popularity's absolute values carry an arbitrary epoch factor.
    return ranked.map((r, i) => ({
      productId: r.id,
      score: 1 / (1 + i * 0.05),
      reason: r.by_brand && r.brand ? `Because you like ${r.brand}` : `Because you like ${r.category}`,
    }));
  }
}
