-- Item embeddings are versioned tables item_embeddings_v<N>; the item_embeddings view points at
-- the live one. Publishing writes a new table, builds its HNSW index, then repoints the view in one
-- transaction, so a reader sees either the old version or the new one, never half of either.
-- v0 is the empty table a fresh database starts with.
CREATE TABLE IF NOT EXISTS item_embeddings_v0 (
  product_id   text PRIMARY KEY,
  business_id  text NOT NULL,
  vertical     text NOT NULL,
  embedding    vector(128) NOT NULL
);
CREATE INDEX IF NOT EXISTS item_embeddings_v0_hnsw ON item_embeddings_v0 USING hnsw (embedding vector_cosine_ops);
CREATE OR REPLACE VIEW item_embeddings AS
  SELECT product_id, business_id, vertical, embedding, 0 AS version FROM item_embeddings_v0;

CREATE TABLE IF NOT EXISTS model_registry (
  version          integer PRIMARY KEY,
  name             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('candidate', 'live', 'retired', 'refused')),
  embedding_table  text NOT NULL,
  artifact_dir     text NOT NULL,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  metrics          jsonb NOT NULL DEFAULT '{}'::jsonb,
  reason           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  published_at     timestamptz
);
-- At most one live model.
CREATE UNIQUE INDEX IF NOT EXISTS model_registry_one_live ON model_registry ((status)) WHERE status = 'live';
