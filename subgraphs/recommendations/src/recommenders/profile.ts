import type { Db } from '@souk/db';
import type { RequestFeatures } from '../features/request-features';
import type { ModelHolder } from '../model/live-model';
import { withBudget } from '../pipeline/budget';
import type { PopularPool } from './popular-pool';
import type { Candidate, RecommendationRequest, Recommender } from './types';

// Users with stated preferences but no recent history (new sign-ups, or long absent).
const HISTORY_WINDOW_DAYS = 30;
const HISTORY_WINDOW_MS = HISTORY_WINDOW_DAYS * 86_400_000;

interface StatedPreferences {
  cats: string[];
  brands: string[];
}

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
    private readonly models: ModelHolder,
    private readonly features: RequestFeatures,
    private readonly budgetMs: number,
  ) {}

  async recommend(req: RecommendationRequest): Promise<Candidate[] | null> {
    const user = await this.coldUser(req);
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

  /** The user's stated preferences when this path is theirs: known, with preferences, and no interaction in the window. */
  private async coldUser(req: RecommendationRequest): Promise<StatedPreferences | null> {
    const model = this.models.current;
    if (model) {
      // The features the two-tower path loads next anyway (memoised for the request): every
      // request would otherwise pay a database round trip for the few users this path is for.
      const f = await withBudget('user_features', this.budgetMs, this.features.load(req, model));
      if (!f || (f.lastActiveAt !== null && f.lastActiveAt > Date.now() - HISTORY_WINDOW_MS)) return null;
      const prefs = { cats: f.favouriteCategories, brands: f.favouriteBrands };
      return prefs.cats.length > 0 || prefs.brands.length > 0 ? prefs : null;
    }
    // No model live: the one question, two index lookups.
    const [user] = await this.db.query<StatedPreferences>(
      `SELECT favourite_categories AS cats, favourite_brands AS brands FROM users
       WHERE id = $1
         AND (cardinality(favourite_categories) > 0 OR cardinality(favourite_brands) > 0)
         AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = $1 AND i.occurred_at > now() - interval '${HISTORY_WINDOW_DAYS} days')`,
      [req.userId],
    );
    return user ?? null;
  }
}
