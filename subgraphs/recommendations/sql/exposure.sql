-- Exposure of small businesses: the share of served impressions that went to the less popular half
-- of businesses, next to their share of the catalog's products. Fairness (Stage 3) is working when
-- the first is not far below the second.
-- $1 = from (timestamptz), $2 = to (timestamptz).
-- "Small" = a business whose demand (the sum of its products' time-decayed popularity) is below the
-- median business's; a business with no recorded demand counts as small.
WITH demand AS (
  SELECT b.id, coalesce(sum(pp.score), 0) AS score
    FROM businesses b
    LEFT JOIN products p ON p.business_id = b.id
    LEFT JOIN product_popularity pp ON pp.product_id = p.id
   GROUP BY b.id),
small AS (
  SELECT id FROM demand WHERE score < (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM demand)),
served AS (
  SELECT s.product_id FROM served_impressions s WHERE s.served_at >= $1 AND s.served_at < $2)
SELECT
  (SELECT count(*) FROM served)                                                         AS impressions,
  round(coalesce((SELECT avg((p.business_id IN (SELECT id FROM small))::int)
                    FROM served JOIN products p ON p.id = served.product_id), 0)::numeric, 4) AS small_business_exposure,
  round(coalesce((SELECT avg((p.business_id IN (SELECT id FROM small))::int) FROM products p), 0)::numeric, 4) AS small_business_catalog_share,
  (SELECT count(*) FROM small)                                                          AS small_businesses,
  (SELECT count(*) FROM businesses)                                                     AS businesses;
