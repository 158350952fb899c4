import type { Db } from '@souk/db';
import type { PopularPool } from './popular-pool';
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

  constructor(
    private readonly db: Db,
    private readonly pool: PopularPool,
  ) {}

  async recommend(req: RecommendationRequest): Promise<Candidate[] | null> {
    // First the cheap question (two index lookups): only the few users this path is for go on.
    const [user] = await this.db.query<{ cats: string[]; brands: string[] }>(
      `SELECT favourite_categories AS cats, favourite_brands AS brands FROM users
       WHERE id = $1
         AND (cardinality(favourite_categories) > 0 OR cardinality(favourite_brands) > 0)
         AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = $1 AND i.occurred_at > now() - interval '${HISTORY_WINDOW_DAYS} days')`,
      [req.userId],
    );
    if (!user) return null; // not cold, or no stated preferences: not this path's user
    // The popular eligible products of the vertical (shared, PopularPool), in the categories and
    // brands the user said they like.
    const cats = new Set(user.cats);
    const brands = new Set(user.brands);
    const cart = new Set(req.cart);
    const ranked = (await this.pool.get(req.vertical, req.businessId))
      .filter((p) => !cart.has(p.id) && (cats.has(p.category) || (p.brand !== null && brands.has(p.brand))))
      .slice(0, req.limit);
    // Relative scores by rank: popularity's absolute values carry an arbitrary epoch factor.
    return ranked.map((p, i) => ({
      productId: p.id,
      businessId: p.businessId,
      category: p.category,
      title: p.title,
      price: p.price,
      score: 1 / (1 + i * 0.05),
      reason: p.brand !== null && brands.has(p.brand) ? `Because you like ${p.brand}` : `Because you like ${p.category}`,
    }));
  }
}
