import type { Db } from '@souk/db';
import { fromVector, toVector } from '@souk/db';
import { BACKGROUND_SETTINGS } from '../background';
import type { ModelArtifact } from './artifact';
import { float32, int64, type Feeds } from './tensor';

interface ProductRow {
  id: string;
  business_id: string;
  vertical: string;
  title: string;
  description: string | null;
  category: string;
  brand: string | null;
  price_range: number;
  image: string | null;
}

/** training/features.py product_text, character for character. */
export function productText(p: { title: string; category: string; brand: string | null; description: string | null }): string {
  return `${p.title}. ${p.category}. ${p.brand ?? ''}. ${p.description ?? ''}`.trim();
}

const BATCH = 256;

/** No such id, business or category: every vocabulary maps it to its out-of-vocabulary index. */
const WARM_UP_PRODUCT: ProductRow = { id: '', business_id: '', vertical: '', title: '', description: null, category: '', brand: null, price_range: 0, image: null };

/**
 * Embeds products with the live product tower and upserts them into that version's table, so a
 * product created through the catalog is recommendable within seconds, without a rebuild. Called
 * for the ids of product.created events, and as a sweep for anything the table lacks (products
 * created between a publish's snapshot and its swap, or loaded by the importer).
 */
export class ItemEmbedder {
  /** Each table's primary key columns, the upsert's conflict target: tables never change once made. */
  private readonly keys = new Map<string, string>();

  constructor(private readonly db: Db) {}

  /** Embeds the given products (or, without ids, up to `limit` the table lacks); returns how many. */
  async embed(model: ModelArtifact, table: string, productIds?: readonly string[], limit = 2000): Promise<number> {
    const filter = productIds ? 'p.id = ANY($1::text[])' : `NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.product_id = p.id)`;
    const sql = `SELECT p.id, p.business_id, b.vertical, p.title, p.description, p.category, p.brand, p.price_range, i.embedding::text AS image
         FROM products p JOIN businesses b ON b.id = p.business_id LEFT JOIN product_images i ON i.product_id = p.id
        WHERE ${filter} ORDER BY p.id LIMIT ${productIds ? '$2' : '$1'}`;
    // The sweep (no ids) is a background statement over the whole catalog: one core, no parallel workers.
    const rows = productIds
      ? await this.db.query<ProductRow>(sql, [productIds, productIds.length])
      : await this.db.queryWithSettings<ProductRow>(BACKGROUND_SETTINGS, sql, [limit]);
    for (let i = 0; i < rows.length; i += BATCH) await this.embedBatch(model, table, rows.slice(i, i + BATCH));
    return rows.length;
  }

  /**
   * Runs what a new product needs, MiniLM and the product tower, once on a made-up product, and
   * writes nothing. A session's first run allocates and plans; without this, the first product
   * created after a start or a swap paid for it (warm-up.ts).
   */
  async warmUp(model: ModelArtifact): Promise<void> {
    await model.text.warmUp();
    await this.vectors(model, [WARM_UP_PRODUCT], [new Float32Array(model.text.dim)]);
  }

  private async embedBatch(model: ModelArtifact, table: string, rows: ProductRow[]): Promise<void> {
    const vectors = await this.vectors(model, rows, await model.text.embed(rows.map(productText)));
    // A product whose vertical changed would otherwise keep its old row beside the new one in a
    // table partitioned by vertical (key product_id, vertical); on one keyed by product_id the
    // delete and the insert of the same statement replace the row.
    await this.db.query(
      `WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]::vector[]) AS u(product_id, business_id, vertical, embedding)),
            moved AS (DELETE FROM ${table} e USING u WHERE e.product_id = u.product_id AND e.vertical <> u.vertical)
       INSERT INTO ${table} (product_id, business_id, vertical, embedding) SELECT * FROM u
       ON CONFLICT (${await this.key(table)}) DO UPDATE SET business_id = EXCLUDED.business_id, embedding = EXCLUDED.embedding`,
      [rows.map((r) => r.id), rows.map((r) => r.business_id), rows.map((r) => r.vertical), vectors.map((x) => toVector(x))],
    );
  }

  /**
   * The primary key of an embedding table: (product_id, vertical) for a published one (partitioned
   * by vertical: training/publish.py), product_id for item_embeddings_v0 and tables published
   * before partitioning.
   */
  private async key(table: string): Promise<string> {
    let key = this.keys.get(table);
    if (key === undefined) {
      const [row] = await this.db.query<{ key: string | null }>(
        `SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum)) AS key
           FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
          WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
        [table],
      );
      if (!row?.key) throw new Error(`embedding table ${table} has no primary key`);
      key = row.key;
      this.keys.set(table, key);
    }
    return key;
  }

  /** The product tower's vectors of these products, given their text vectors. */
  private vectors(model: ModelArtifact, rows: ProductRow[], text: Float32Array[]): Promise<Float32Array[]> {
    const v = model.vocabs;
    const n = rows.length;
    const ints = (f: (r: ProductRow) => number) => int64(BigInt64Array.from(rows, (r) => BigInt(f(r))), [n]);
    const dense = (width: number, f: (r: ProductRow, i: number) => ArrayLike<number> | null) => {
      const data = new Float32Array(n * width);
      rows.forEach((r, i) => {
        const x = f(r, i);
        if (x) data.set(x, i * width);
      });
      return float32(data, [n, width]);
    };
    const width = (name: string) => Number(model.item.inputs.find((x) => x.name === name)?.shape[1] ?? 0);
    const feeds: Feeds = {
      item_id: ints((r) => v.items.encode(r.id)),
      category: ints((r) => v.categories.encode(r.category)),
      brand: ints((r) => v.brands.encode(r.brand)),
      price_range: ints((r) => r.price_range ?? 0),
      vertical: ints((r) => model.meta.serving.verticals.indexOf(r.vertical) + 1),
      text: dense(width('text') || text[0].length, (_r, i) => text[i]),
      image: dense(width('image') || 1280, (r) => (r.image ? fromVector(r.image) : null)),
    };
    return model.item.embed(feeds, n);
  }
}
