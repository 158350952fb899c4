import type { Db } from '@souk/db';
import { INTERACTION_WEIGHTS } from '@souk/domain';
import type { PopularPool, PopularProduct } from './popular-pool';
import type { Candidate, RecommendationRequest, Recommender } from './types';

// How many of the most popular eligible products are re-scored with the user's category affinity.
// Enough to let affinity lift a mid-ranked product into the top N, small enough to stay cheap.
const POOL = 400;
// A user's interactions older than this no longer shape their affinity.
const AFFINITY_WINDOW_DAYS = 30;
// Products added to the cart this recently are treated as in the cart, even if the client's
// context forgot them.
const CART_WINDOW_HOURS = 24;

const VERTICAL_LABEL: Record<string, string> = { RESTAURANT: 'restaurants', CONVENIENCE: 'convenience stores', SUPERMARKET: 'supermarkets' };

interface RecentRow {
  product_id: string;
  type: string;
  occurred_at: Date;
  category: string;
}

/**
 * Time-decayed popularity (product_popularity), limited to in-stock products of open businesses in
 * the requested vertical or business, minus the cart; lifted by the user's recent category affinity
 * so that the list reacts to what the user does. The ranking itself comes from the shared
 * PopularPool; per request only the user's recent interactions are read.
 */
export class PopularityRecommender implements Recommender {
  readonly name = 'popularity';
  readonly modelVersion = 'popularity-v1';

  constructor(
    private readonly db: Db,
    private readonly pool: PopularPool,
  ) {}

  async recommend(req: RecommendationRequest): Promise<Candidate[]> {
    const [ranked, recent] = await Promise.all([
      this.pool.get(req.vertical, req.businessId),
      this.db.query<RecentRow>(
        `SELECT i.product_id, i.type, i.occurred_at, p.category
           FROM interactions i JOIN products p ON p.id = i.product_id
          WHERE i.user_id = $1 AND i.occurred_at > now() - interval '${AFFINITY_WINDOW_DAYS} days'
          ORDER BY i.occurred_at DESC LIMIT 200`,
        [req.userId],
      ),
    ]);
    const affinity = new Map<string, number>();
    const carted = new Set(req.cart);
    const cartSince = req.time.getTime() - CART_WINDOW_HOURS * 3_600_000;
    for (const r of recent) {
      const w = INTERACTION_WEIGHTS[r.type as keyof typeof INTERACTION_WEIGHTS] ?? 0;
      affinity.set(r.category, (affinity.get(r.category) ?? 0) + w);
      if (r.type === 'ADD_TO_CART' && new Date(r.occurred_at).getTime() > cartSince) carted.add(r.product_id);
    }
    const lifted = (p: PopularProduct) => p.score * (1 + Math.log1p(affinity.get(p.category) ?? 0));
    // As before: the POOL most popular eligible products, re-scored with the user's affinity.
    const rows = ranked.filter((p) => !carted.has(p.id)).slice(0, POOL)
      .map((p) => ({ p, s: lifted(p) }))
      .sort((a, b) => b.s - a.s || (a.p.id < b.p.id ? -1 : 1))
      .slice(0, req.limit);
    if (rows.length === 0) return [];
    // Scores are relative: the stored popularity carries an arbitrary epoch factor, so the list is
    // normalised to the top item (1.0).
    const top = rows[0].s;
    return rows.map(({ p, s }) => ({
      productId: p.id,
      businessId: p.businessId,
      category: p.category,
      title: p.title,
      price: p.price,
      score: s / top,
      reason: (affinity.get(p.category) ?? 0) > 0
        ? `Popular in ${p.category}, which you often choose`
        : req.businessId
          ? `Popular at ${p.businessName}`
          : `Popular in ${p.category} at ${VERTICAL_LABEL[p.vertical] ?? 'Souk'} right now`,
    }));
  }
}
