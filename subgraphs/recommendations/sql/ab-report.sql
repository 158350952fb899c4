-- A/B report: click-through and conversion per variant of one experiment.
-- $1 = experiment name, $2 = from (timestamptz), $3 = to (timestamptz).
-- An impression is clicked when the same user clicked that product within 1 hour of being served
-- it, and converted when they bought it within 24 hours. Run it with psql against the live database:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 ... (or paste it, replacing $1..$3)
SELECT
  s.variant,
  count(DISTINCT s.user_id)                                  AS users,
  count(*)                                                   AS impressions,
  round(avg(clicked::int)::numeric, 4)                       AS click_through,
  round(avg(converted::int)::numeric, 4)                     AS conversion
FROM (
  SELECT
    s.*,
    EXISTS (SELECT 1 FROM interactions i
            WHERE i.user_id = s.user_id AND i.product_id = s.product_id AND i.type = 'CLICK'
              AND i.occurred_at >= s.served_at AND i.occurred_at < s.served_at + interval '1 hour') AS clicked,
    EXISTS (SELECT 1 FROM interactions i
            WHERE i.user_id = s.user_id AND i.product_id = s.product_id AND i.type = 'PURCHASE'
              AND i.occurred_at >= s.served_at AND i.occurred_at < s.served_at + interval '24 hours') AS converted
  FROM served_impressions s
  WHERE s.experiment = $1 AND s.served_at >= $2 AND s.served_at < $3
) s
GROUP BY s.variant
ORDER BY s.variant;
