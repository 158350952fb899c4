-- MiniLM vectors of texts serving embeds (search queries, new products' text), per text encoder: a
-- restarted or added recommendations process reads them instead of running the encoder again,
-- which is what a returning user's first request waited for (3-4 ms a query on the serving
-- machine's CPU). Owned by the recommendations subgraph; written once per (encoder, text).
CREATE TABLE IF NOT EXISTS text_embeddings (
  encoder     text NOT NULL,
  text        text NOT NULL,
  embedding   vector NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (encoder, text)
);
