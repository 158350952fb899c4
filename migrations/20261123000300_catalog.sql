-- Businesses and their products. dedup_key is a normalised key: the same business or product
-- arriving from several sources collapses onto one row.
CREATE TABLE IF NOT EXISTS businesses (
  id          text PRIMARY KEY,
  vertical    text NOT NULL CHECK (vertical IN ('RESTAURANT', 'CONVENIENCE', 'SUPERMARKET')),
  name        text NOT NULL,
  city        text,
  lat         double precision,
  lon         double precision,
  is_open     boolean NOT NULL DEFAULT true,
  dedup_key   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS businesses_dedup_key ON businesses (dedup_key);
CREATE INDEX IF NOT EXISTS businesses_vertical ON businesses (vertical);

CREATE TABLE IF NOT EXISTS products (
  id           text PRIMARY KEY,
  business_id  text NOT NULL REFERENCES businesses (id),
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  category     text NOT NULL,
  brand        text,
  price        numeric(12, 2) NOT NULL CHECK (price >= 0),
  -- 1 (cheapest) .. 4, relative to the product's category; a categorical feature for the towers.
  price_range  smallint NOT NULL CHECK (price_range BETWEEN 1 AND 4),
  currency     text NOT NULL DEFAULT 'AED',
  attributes   jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedup_key    text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS products_dedup_key ON products (dedup_key);
CREATE INDEX IF NOT EXISTS products_business ON products (business_id);
CREATE INDEX IF NOT EXISTS products_category ON products (category);
CREATE INDEX IF NOT EXISTS products_created ON products (created_at);

-- 1280-d image vectors (EfficientNet-sized), one per product; kept apart so that listing
-- products never drags 5 KB vectors along.
CREATE TABLE IF NOT EXISTS product_images (
  product_id  text PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  embedding   vector(1280) NOT NULL
);

CREATE TABLE IF NOT EXISTS stock (
  product_id  text PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  quantity    integer NOT NULL CHECK (quantity >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Where each entity came from: importers resolve a source's own id through this table, so a
-- product known under two ids in two files is one product here.
CREATE TABLE IF NOT EXISTS external_ids (
  entity       text NOT NULL CHECK (entity IN ('user', 'business', 'product')),
  source       text NOT NULL,
  external_id  text NOT NULL,
  internal_id  text NOT NULL,
  PRIMARY KEY (entity, source, external_id)
);
