-- Every list the recommendations subgraph serves, one row per item, with the A/B variant that
-- produced it. Owned by the recommendations subgraph; joined with interactions to compare variants'
-- click-through and conversion (README, "A/B testing").
CREATE TABLE IF NOT EXISTS served_impressions (
  id             bigserial PRIMARY KEY,
  request_id     text NOT NULL,
  user_id        text NOT NULL,
  product_id     text NOT NULL,
  rank           smallint NOT NULL,
  experiment     text NOT NULL,
  variant        text NOT NULL,
  model_version  text NOT NULL,
  path           text NOT NULL,
  served_at      timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS served_impressions_user_time ON served_impressions (user_id, served_at);
CREATE INDEX IF NOT EXISTS served_impressions_variant_time ON served_impressions (experiment, variant, served_at);
