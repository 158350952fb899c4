import type { Db } from '@souk/db';
import { INTERACTION_TYPES, INTERACTION_WEIGHTS } from '@souk/domain';
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

interface Row {
  id: string;
  category: string;
  vertical: string;
  business_name: string;
  score: number;
  affinity: number;
}

/**
 * Time-decayed popularity (product_popularity), limited to in-stock products of open businesses in
 * the requested vertical or business, minus the cart; lifted by the user's recent category affinity
 * so that the list reacts to what the user does.
 */
export class PopularityRecommender implements Recommender {
  readonly name = 'popularity';
  readonly modelVersion = 'popularity-v1';

  constructor(private readonly db: Db) {}

  async recommend(req: RecommendationRequest): Promise<Candidate[]> {
    const weight = `CASE i.type ${INTERACTION_TYPES.map((t) => `WHEN '${t}' THEN ${INTERACTION_WEIGHTS[t]}`).join(' ')} ELSE 0 END`;
    const rows = await this.db.query<Row>(
      `WITH recent AS (
         SELECT i.product_id, i.type, i.occurred_at, ${weight} AS w
         FROM interactions i
         WHERE i.user_id = $1 AND i.product_id IS NOT NULL AND i.occurred_at > now() - interval '${AFFINITY_WINDOW_DAYS} days'
         ORDER BY i.occurred_at DESC LIMIT 200
       ), affinity AS (
         SELECT p.category, sum(r.w) AS w FROM recent r JOIN products p ON p.id = r.product_id GROUP BY p.category
       ), carted AS (
         SELECT product_id FROM recent WHERE type = 'ADD_TO_CART' AND occurred_at > now() - interval '${CART_WINDOW_HOURS} hours'
       ), pool AS (
         SELECT p.id, p.category, b.vertical, b.name AS business_name, pp.score
         FROM product_popularity pp
         JOIN products p ON p.id = pp.product_id
         JOIN businesses b ON b.id = p.business_id
         JOIN stock s ON s.product_id = p.id
         WHERE s.quantity > 0 AND b.is_open
           AND ($2::text IS NULL OR b.vertical = $2)
           AND ($3::text IS NULL OR b.id = $3)
           AND NOT (p.id = ANY($4::text[]))
           AND p.id NOT IN (SELECT product_id FROM carted)
         ORDER BY pp.score DESC
         LIMIT ${POOL}
       )
       SELECT pool.*, coalesce(a.w, 0)::float8 AS affinity
       FROM pool LEFT JOIN affinity a ON a.category = pool.category
       ORDER BY pool.score * (1 + ln(1 + coalesce(a.w, 0))) DESC, pool.id
       LIMIT $5`,
      [req.userId, req.vertical, req.businessId, req.cart, req.limit],
    );
    if (rows.length === 0) return [];
    // Scores are relative: the stored popularity carries an arbitrary epoch factor, so the list is
    // normalised to the top item (1.0).
    const top = rows[0].score * (1 + Math.log1p(rows[0].affinity));
    return rows.map((r) => ({
      productId: r.id,
      score: (r.score * (1 + Math.log1p(r.affinity))) / top,
      reason: r.affinity > 0
        ? `Popular in ${r.category}, which you often choose`
        : req.businessId
          ? `Popular at ${r.business_name}`
          : `Popular in ${r.category} at ${VERTICAL_LABEL[r.vertical] ?? 'Souk'} right now`,
    }));
  }
}
