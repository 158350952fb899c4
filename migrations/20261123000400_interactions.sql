-- Every interaction, idempotent on the client-supplied event id.
CREATE TABLE IF NOT EXISTS interactions (
  id           bigserial PRIMARY KEY,
  event_id     text NOT NULL,
  user_id      text NOT NULL REFERENCES users (id),
  product_id   text REFERENCES products (id),
  business_id  text REFERENCES businesses (id),
  type         text NOT NULL CHECK (type IN ('VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE', 'SAVE', 'REVIEW', 'SEARCH', 'IMPRESSION')),
  query        text,
  review_text  text,
  rating       smallint CHECK (rating BETWEEN 1 AND 5),
  occurred_at  timestamptz NOT NULL,
  session_id   text,
  device       text,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  -- Everything but SEARCH is about a product; a SEARCH carries its query instead.
  CHECK (type = 'SEARCH' OR product_id IS NOT NULL),
  CHECK (type <> 'SEARCH' OR query IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS interactions_event_id ON interactions (event_id);
CREATE INDEX IF NOT EXISTS interactions_user_time ON interactions (user_id, occurred_at DESC);
CREATE INDEX IF NOT EXISTS interactions_product ON interactions (product_id);
CREATE INDEX IF NOT EXISTS interactions_time ON interactions (occurred_at);

-- Time-decayed popularity, maintained incrementally as events arrive. score is
-- sum(weight * 2^((t - epoch) / half_life)): multiplying every row by the same 2^(-(now - epoch)/half_life)
-- gives the decayed value at any instant, so ordering by score is ordering by decayed popularity
-- without ever rewriting old rows. Epoch 2025-01-01, half-life 14 days: fine until about 2050.
CREATE TABLE IF NOT EXISTS product_popularity (
  product_id  text PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  score       double precision NOT NULL DEFAULT 0,
  events      bigint NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS product_popularity_score ON product_popularity (score DESC);
