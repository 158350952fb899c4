import type { Db } from '@souk/db';
import { fromVector, toVector } from '@souk/db';

/** Text vectors that outlive the process, keyed by encoder and text (table text_embeddings). */
export interface TextVectorStore {
  /** The stored vectors of these texts; texts without one are left out. */
  get(encoder: string, texts: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Stores vectors; a text stored before keeps its vector (the encoder is frozen). */
  put(encoder: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void>;
}

export class PostgresTextVectors implements TextVectorStore {
  constructor(private readonly db: Db) {}

  async get(encoder: string, texts: readonly string[]): Promise<Map<string, Float32Array>> {
    if (texts.length === 0) return new Map();
    const rows = await this.db.query<{ text: string; embedding: string }>(
      'SELECT text, embedding::text AS embedding FROM text_embeddings WHERE encoder = $1 AND text = ANY($2::text[])',
      [encoder, texts],
    );
    return new Map(rows.map((r) => [r.text, fromVector(r.embedding)]));
  }

  async put(encoder: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void> {
    if (vectors.size === 0) return;
    const texts = [...vectors.keys()];
    await this.db.query(
      `INSERT INTO text_embeddings (encoder, text, embedding)
       SELECT $1, t, v::vector FROM unnest($2::text[], $3::text[]) AS x(t, v)
       ON CONFLICT (encoder, text) DO NOTHING`,
      [encoder, texts, texts.map((t) => toVector(vectors.get(t)!))],
    );
  }
}
