import type { Db, Queryable } from '@souk/db';
import { toVector } from '@souk/db';
import type { Vertical } from '@souk/domain';
import { ConflictError, NotFoundError } from '@souk/errors';
import { businessKey, productKey } from './keys';

export interface BusinessRow {
  id: string;
  vertical: Vertical;
  name: string;
  city: string | null;
  lat: number | null;
  lon: number | null;
  is_open: boolean;
  dedup_key: string;
  created_at: Date;
}

export interface ProductRow {
  id: string;
  business_id: string;
  title: string;
  description: string;
  category: string;
  brand: string | null;
  price: number;
  price_range: number;
  currency: string;
  attributes: Record<string, unknown>;
  dedup_key: string;
  created_at: Date;
}

export interface BusinessCreate {
  id: string;
  vertical: Vertical;
  name: string;
  city: string | null;
  lat: number | null;
  lon: number | null;
  isOpen: boolean;
}

/** Only the keys present are changed; null clears a nullable column. */
export interface BusinessPatch {
  vertical?: Vertical;
  name?: string;
  city?: string | null;
  lat?: number | null;
  lon?: number | null;
  isOpen?: boolean;
}

export interface ProductCreate {
  id: string;
  businessId: string;
  title: string;
  description: string;
  category: string;
  brand: string | null;
  price: number;
  /** null: computed from the category's existing prices. */
  priceRange: number | null;
  currency: string;
  attributes: Record<string, string>;
  stock: number | null;
  imageVector: number[] | null;
}

export interface ProductPatch {
  title?: string;
  description?: string;
  category?: string;
  brand?: string | null;
  price?: number;
  priceRange?: number;
  currency?: string;
  attributes?: Record<string, string>;
  imageVector?: number[];
}

export interface ProductFilter {
  vertical?: Vertical | null;
  businessId?: string | null;
  category?: string | null;
  inStockOnly?: boolean | null;
}

type R<T> = T & Record<string, unknown>;

const BUSINESS_COLUMNS: Record<Exclude<keyof BusinessPatch, never>, string> = {
  vertical: 'vertical',
  name: 'name',
  city: 'city',
  lat: 'lat',
  lon: 'lon',
  isOpen: 'is_open',
};

const PRODUCT_COLUMNS: Record<Exclude<keyof ProductPatch, 'attributes' | 'imageVector'>, string> = {
  title: 'title',
  description: 'description',
  category: 'category',
  brand: 'brand',
  price: 'price',
  priceRange: 'price_range',
  currency: 'currency',
};

/** The one race left after the checks: two writers inserting the same key at once. */
/** SET clauses for the fields a patch gives (undefined = leave alone), binding values into params. */
function patchSets<P extends object>(patch: P, columns: Partial<Record<keyof P, string>>, params: unknown[]): string[] {
  const sets: string[] = [];
  for (const [field, column] of Object.entries(columns) as [keyof P, string][]) {
    if (patch[field] !== undefined) sets.push(`${column} = $${params.push(patch[field])}`);
  }
  return sets;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}

// Keyset pagination everywhere: pages are ordered by id and `after` is the last id seen, so a
// page costs the same however deep it is and rows inserted meanwhile never shift a page.
export class CatalogStore {
  constructor(private readonly db: Db) {}

  /** One query for any number of ids; results follow the order of `ids` (DataLoader's contract). */
  async businessesByIds(ids: readonly string[]): Promise<(BusinessRow | null)[]> {
    const rows = await this.db.query<R<BusinessRow>>('SELECT * FROM businesses WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async productsByIds(ids: readonly string[]): Promise<(ProductRow | null)[]> {
    const rows = await this.db.query<R<ProductRow>>('SELECT * FROM products WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Units in stock per product; a product without a stock row has 0. */
  async stockByProductIds(ids: readonly string[]): Promise<number[]> {
    const rows = await this.db.query<{ product_id: string; quantity: number }>(
      'SELECT product_id, quantity FROM stock WHERE product_id = ANY($1::text[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.product_id, r.quantity]));
    return ids.map((id) => byId.get(id) ?? 0);
  }

  /** The first `limit` products after `after` of each business, in one query for all of them. */
  async productsOfBusinesses(businessIds: readonly string[], limit: number, after: string | null): Promise<ProductRow[][]> {
    const rows = await this.db.query<R<ProductRow>>(
      `SELECT p.* FROM unnest($1::text[]) AS b(id)
       CROSS JOIN LATERAL (
         SELECT * FROM products WHERE business_id = b.id AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3
       ) p
       ORDER BY p.business_id, p.id`,
      [businessIds, after, limit],
    );
    const byBusiness = new Map<string, ProductRow[]>();
    for (const r of rows) {
      const list = byBusiness.get(r.business_id);
      if (list) list.push(r);
      else byBusiness.set(r.business_id, [r]);
    }
    return businessIds.map((id) => byBusiness.get(id) ?? []);
  }

  async productPage(filter: ProductFilter, limit: number, after: string | null): Promise<ProductRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (filter.businessId) where.push(`p.business_id = ${param(filter.businessId)}`);
    if (filter.category) where.push(`p.category = ${param(filter.category)}`);
    if (filter.vertical) where.push(`EXISTS (SELECT 1 FROM businesses b WHERE b.id = p.business_id AND b.vertical = ${param(filter.vertical)})`);
    if (filter.inStockOnly) where.push('EXISTS (SELECT 1 FROM stock s WHERE s.product_id = p.id AND s.quantity > 0)');
    if (after) where.push(`p.id > ${param(after)}`);
    const sql = `SELECT p.* FROM products p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id LIMIT ${param(limit)}`;
    return this.db.query<R<ProductRow>>(sql, params);
  }

  async businessPage(vertical: Vertical | null, limit: number, after: string | null): Promise<BusinessRow[]> {
    return this.db.query<R<BusinessRow>>(
      'SELECT * FROM businesses WHERE ($1::text IS NULL OR vertical = $1) AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3',
      [vertical, after, limit],
    );
  }

  /**
   * Ranked full-text search through the functions of migration 20261123000600, which the
   * products_search GIN index is built on: the same folding for the query as for the text.
   */
  async search(query: string, vertical: Vertical | null, limit: number): Promise<ProductRow[]> {
    return this.db.query<R<ProductRow>>(
      `SELECT p.* FROM products p
       WHERE catalog_search_doc(p.title, p.description) @@ catalog_search_query($1)
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM businesses b WHERE b.id = p.business_id AND b.vertical = $2))
       ORDER BY ts_rank(catalog_search_doc(p.title, p.description), catalog_search_query($1)) DESC, p.id
       LIMIT $3`,
      [query, vertical, limit],
    );
  }

  async createBusiness(b: BusinessCreate): Promise<BusinessRow> {
    const key = businessKey(b.name, b.city);
    const [row] = await this.db.query<R<BusinessRow>>(
      `INSERT INTO businesses (id, vertical, name, city, lat, lon, is_open, dedup_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING *`,
      [b.id, b.vertical, b.name, b.city, b.lat, b.lon, b.isOpen, key],
    );
    if (row) return row;
    const [existing] = await this.db.query<{ id: string }>('SELECT id FROM businesses WHERE id = $1 OR dedup_key = $2 LIMIT 1', [b.id, key]);
    throw new ConflictError(
      existing?.id === b.id ? `business ${JSON.stringify(b.id)} already exists` : `business ${JSON.stringify(existing?.id)} already has this name and city`,
      { entity: 'business', existingId: existing?.id ?? null, dedupKey: key },
    );
  }

  async updateBusiness(id: string, patch: BusinessPatch): Promise<BusinessRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const [current] = await tx.query<R<BusinessRow>>('SELECT * FROM businesses WHERE id = $1 FOR UPDATE', [id]);
        if (!current) throw new NotFoundError('Business', id);
        const params: unknown[] = [id];
        const sets = patchSets(patch, BUSINESS_COLUMNS, params);
        if (!sets.length) return current;
        const key = businessKey(patch.name ?? current.name, patch.city !== undefined ? patch.city : current.city);
        return this.writePatch<BusinessRow>(tx, 'businesses', id, sets, params, key, current.dedup_key);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('another business took this name and city at the same time', { entity: 'business' });
      throw err;
    }
  }

  async createProduct(p: ProductCreate): Promise<ProductRow> {
    const key = productKey(p.businessId, p.title);
    try {
      return await this.db.transaction(async (tx) => {
        const [business] = await tx.query('SELECT id FROM businesses WHERE id = $1', [p.businessId]);
        if (!business) throw new NotFoundError('Business', p.businessId);
        const priceRange = p.priceRange ?? (await this.priceRangeInCategory(tx, p.category, p.price));
        const [row] = await tx.query<R<ProductRow>>(
          `INSERT INTO products (id, business_id, title, description, category, brand, price, price_range, currency, attributes, dedup_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)
           ON CONFLICT DO NOTHING RETURNING *`,
          [p.id, p.businessId, p.title, p.description, p.category, p.brand, p.price, priceRange, p.currency, JSON.stringify(p.attributes), key],
        );
        if (!row) {
          const [existing] = await tx.query<{ id: string }>('SELECT id FROM products WHERE id = $1 OR dedup_key = $2 LIMIT 1', [p.id, key]);
          throw new ConflictError(
            existing?.id === p.id
              ? `product ${JSON.stringify(p.id)} already exists`
              : `product ${JSON.stringify(existing?.id)} of this business already has this title`,
            { entity: 'product', existingId: existing?.id ?? null, dedupKey: key },
          );
        }
        if (p.stock !== null) await tx.query('INSERT INTO stock (product_id, quantity) VALUES ($1, $2)', [p.id, p.stock]);
        if (p.imageVector) await tx.query('INSERT INTO product_images (product_id, embedding) VALUES ($1, $2::vector)', [p.id, toVector(p.imageVector)]);
        return row;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('another product took this id or title at the same time', { entity: 'product', dedupKey: key });
      throw err;
    }
  }

  async updateProduct(id: string, patch: ProductPatch): Promise<ProductRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const [current] = await tx.query<R<ProductRow>>('SELECT * FROM products WHERE id = $1 FOR UPDATE', [id]);
        if (!current) throw new NotFoundError('Product', id);
        if (patch.imageVector) {
          await tx.query(
            `INSERT INTO product_images (product_id, embedding) VALUES ($1, $2::vector)
             ON CONFLICT (product_id) DO UPDATE SET embedding = EXCLUDED.embedding`,
            [id, toVector(patch.imageVector)],
          );
        }
        const params: unknown[] = [id];
        const sets = patchSets(patch, PRODUCT_COLUMNS, params);
        if (patch.attributes !== undefined) sets.push(`attributes = $${params.push(JSON.stringify(patch.attributes))}::jsonb`);
        if (!sets.length) return current;
        const key = productKey(current.business_id, patch.title ?? current.title);
        return this.writePatch<ProductRow>(tx, 'products', id, sets, params, key, current.dedup_key);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('another product took this title at the same time', { entity: 'product' });
      throw err;
    }
  }

  /** Ids among `ids` that are not products. */
  async unknownProductIds(ids: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM products WHERE id = ANY($1::text[])', [ids]);
    const known = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !known.has(id));
  }

  /** Sets every quantity in one statement: all rows change or none does. */
  async setStocks(items: readonly { productId: string; quantity: number }[]): Promise<void> {
    await this.db.query(
      `INSERT INTO stock (product_id, quantity)
       SELECT * FROM unnest($1::text[], $2::int[])
       ON CONFLICT (product_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now()`,
      [items.map((i) => i.productId), items.map((i) => i.quantity)],
    );
  }

  /** UPDATE of the given SET clauses, after refusing a dedup key another row already holds. */
  private async writePatch<T>(tx: Queryable, table: 'businesses' | 'products', id: string, sets: string[], params: unknown[], key: string, currentKey: string): Promise<T> {
    if (key !== currentKey) {
      await this.refuseDuplicate(tx, table, key, id);
      sets.push(`dedup_key = $${params.push(key)}`);
    }
    const [row] = await tx.query<R<T>>(`UPDATE ${table} SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`, params);
    return row;
  }

  private async refuseDuplicate(tx: Queryable, table: 'businesses' | 'products', key: string, selfId: string): Promise<void> {
    const [other] = await tx.query<{ id: string }>(`SELECT id FROM ${table} WHERE dedup_key = $1 AND id <> $2`, [key, selfId]);
    if (other) {
      const entity = table === 'businesses' ? 'business' : 'product';
      throw new ConflictError(`${entity} ${JSON.stringify(other.id)} already has this ${entity === 'business' ? 'name and city' : 'title'}`, {
        entity,
        existingId: other.id,
        dedupKey: key,
      });
    }
  }

  /** 1..4 by the price's quartile among the category's current prices; 2 for a new category. */
  private async priceRangeInCategory(tx: Queryable, category: string, price: number): Promise<number> {
    const [row] = await tx.query<{ below: number; total: number }>(
      'SELECT count(*) FILTER (WHERE price < $2) AS below, count(*) AS total FROM products WHERE category = $1',
      [category, price],
    );
    if (!row || row.total === 0) return 2;
    return Math.min(4, 1 + Math.floor((4 * row.below) / row.total));
  }
}
