import { INTERACTION_TYPES, INTERACTION_WEIGHTS } from './vocabulary';

// Time-decayed popularity without rewriting old rows: an event of weight w at time t adds
// w * 2^((t - EPOCH) / halfLife) to its product's score. At any instant every score shares the same
// decay factor, so ordering by score is ordering by decayed popularity. See the migration that
// creates product_popularity.
export const POPULARITY_EPOCH = '2025-01-01T00:00:00Z';

/** SQL expression for one event's contribution; the half-life in days is parameter $halfLifeParam. */
export function popularityTermSql(typeCol: string, timeCol: string, halfLifeParam: string): string {
  const weight = `CASE ${typeCol} ${INTERACTION_TYPES.map((t) => `WHEN '${t}' THEN ${INTERACTION_WEIGHTS[t]}`).join(' ')} ELSE 0 END`;
  return `(${weight}) * power(2::double precision, extract(epoch FROM (${timeCol} - timestamptz '${POPULARITY_EPOCH}')) / (${halfLifeParam}::double precision * 86400))`;
}

/**
 * Recomputes product_popularity from the whole interactions table; bulk loaders call it after
 * COPY (the subgraph updates it incrementally as events arrive).
 */
export function rebuildPopularitySql(): string {
  return `INSERT INTO product_popularity (product_id, score, events, updated_at)
    SELECT product_id, sum(${popularityTermSql('type', 'occurred_at', '$1')}), count(*), now()
    FROM interactions WHERE product_id IS NOT NULL GROUP BY product_id
    ON CONFLICT (product_id) DO UPDATE SET score = EXCLUDED.score, events = EXCLUDED.events, updated_at = now()`;
}
