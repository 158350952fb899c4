-- pgvector holds item embeddings (vector(128)) and product image vectors (vector(1280)).
CREATE EXTENSION IF NOT EXISTS vector;
