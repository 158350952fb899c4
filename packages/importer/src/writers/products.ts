import type { Queryable } from '@souk/db';
import type { ImportContext, ProductRef } from '../context';
import { businessKey, productIdFor, productKey } from '../normalise';
import type { ProductRow } from '../schemas/product';
import type { Pending } from './batch';
import { upsertBusinesses, type BusinessInput } from './businesses';
import { lookupExternalIds, recordExternalIds } from './external-ids';
import type { WriteResult } from './result';
import { columnArrays, unnest } from './sql';

interface Keyed {
  key: string;
  id: string;
  businessId: string;
  row: ProductRow;
  externalIds: string[];
}

// A value the file gives replaces the stored one; one it omits (empty description, default
// category, absent price) keeps what is there. The title is part of the key and stays as first seen.
const FIELDS = ['description', 'category', 'brand', 'price', 'currency', 'attributes'];
const MERGED = [
  "CASE WHEN u.description <> '' THEN u.description ELSE p.description END",
  "CASE WHEN u.category <> 'uncategorised' THEN u.category ELSE p.category END",
  'COALESCE(u.brand, p.brand)',
  'COALESCE(u.price::numeric, p.price)',
  'COALESCE(u.currency, p.currency)',
  'p.attributes || u.attributes::jsonb',
];

/** Finds or creates each row's business: the source's business id, else a name (+ city), else the catalog id. */
async function resolveBusinesses(q: Queryable, ctx: ImportContext, batch: readonly Pending<ProductRow>[], known: Map<string, string>) {
  const missing = [...new Set(batch.map((p) => p.value.businessId).filter((id): id is string => !!id && !ctx.businesses.has(id)))];
  for (const [ext, id] of await lookupExternalIds(q, 'business', ctx.source, missing)) known.set(ext, id);
  const inputs: BusinessInput[] = [];
  const keyOf = new Map<Pending<ProductRow>, string>();
  for (const p of batch) {
    const r = p.value;
    if (r.businessId && (ctx.businesses.has(r.businessId) || known.has(r.businessId))) continue;
    let input: BusinessInput | undefined;
    if (r.businessName) input = { key: businessKey(r.businessName, r.city), name: r.businessName, city: r.city, vertical: r.vertical, externalIds: [] };
    else if (r.catalogId) {
      const name = `Catalog ${r.catalogId}`;
      input = { key: businessKey(name, undefined), name, vertical: r.vertical, externalIds: [] };
    }
    if (input) {
      inputs.push(input);
      keyOf.set(p, input.key);
    }
  }
  const { ids, created } = await upsertBusinesses(q, inputs, ctx.vertical, false);
  return {
    created,
    businessOf: (p: Pending<ProductRow>): string | undefined => {
      const ext = p.value.businessId;
      if (ext) {
        const id = ctx.businesses.get(ext) ?? known.get(ext);
        if (id) return id;
      }
      const key = keyOf.get(p);
      return key ? ids.get(key) : undefined;
    },
  };
}

export async function writeProducts(ctx: ImportContext, batch: readonly Pending<ProductRow>[]): Promise<WriteResult> {
  if (ctx.dryRun) {
    for (const p of batch) ctx.products.set(p.value.externalId, { id: 'dry-run', businessId: 'dry-run' });
    return { created: 0, updated: 0, unchanged: batch.length, rejected: [] };
  }
  const learnedBusinesses = new Map<string, string>();
  const learnedProducts = new Map<string, ProductRef>();
  const result = await ctx.db.transaction(async (q): Promise<WriteResult> => {
    const rejected: WriteResult['rejected'] = [];
    const { businessOf } = await resolveBusinesses(q, ctx, batch, learnedBusinesses);
    const byKey = new Map<string, Keyed>();
    for (const p of batch) {
      const businessId = businessOf(p);
      if (!businessId) {
        rejected.push({ line: p.line, reason: `business_id ${JSON.stringify(p.value.businessId)} is not a known business (import businesses first, or give business or metadata.catalog_id)` });
        continue;
      }
      const key = productKey(businessId, p.value.title);
      const prev = byKey.get(key);
      if (!prev) byKey.set(key, { key, id: productIdFor(key), businessId, row: p.value, externalIds: [p.value.externalId] });
      else {
        // Two rows of one batch are the same product: the later one's values win where it has any.
        const defined = Object.fromEntries(Object.entries(p.value).filter(([, v]) => v !== undefined && v !== ''));
        prev.row = { ...prev.row, ...defined, title: prev.row.title, attributes: { ...prev.row.attributes, ...p.value.attributes } };
        prev.externalIds.push(p.value.externalId);
      }
    }
    const rows = [...byKey.values()];
    if (!rows.length) return { created: 0, updated: 0, unchanged: 0, rejected };
    const { columns, params } = columnArrays(rows, {
      id: (r) => r.id,
      key: (r) => r.key,
      business_id: (r) => r.businessId,
      title: (r) => r.row.title,
      description: (r) => r.row.description,
      category: (r) => r.row.category,
      brand: (r) => r.row.brand,
      price: (r) => r.row.price,
      currency: (r) => r.row.currency,
      attributes: (r) => ({ ...r.row.attributes, ...(r.row.catalogId ? { catalog_id: r.row.catalogId } : {}) }),
    });
    const created = await q.query<{ category: string }>(
      `INSERT INTO products (id, dedup_key, business_id, title, description, category, brand, price, price_range, currency, attributes)
       SELECT u.id, u.key, u.business_id, u.title, u.description, u.category, u.brand, COALESCE(u.price::numeric, 0), 1,
              COALESCE(u.currency, 'AED'), u.attributes::jsonb
       FROM ${unnest(columns)} ON CONFLICT DO NOTHING RETURNING category`,
      params,
    );
    const updated = await q.query<{ category: string }>(
      `UPDATE products p SET ${FIELDS.map((c, i) => `${c} = ${MERGED[i]}`).join(', ')}, updated_at = now()
       FROM ${unnest(columns)}
       WHERE p.dedup_key = u.key AND (${FIELDS.map((c) => `p.${c}`).join(', ')}) IS DISTINCT FROM (${MERGED.join(', ')})
       RETURNING p.category`,
      params,
    );
    for (const r of [...created, ...updated]) ctx.touchedCategories.add(r.category);
    // A product created by another tool under the same key keeps its id: read ids back by key.
    const stored = await q.query<{ id: string; dedup_key: string; business_id: string }>(
      'SELECT id, dedup_key, business_id FROM products WHERE dedup_key = ANY($1::text[])',
      [rows.map((r) => r.key)],
    );
    const byStoredKey = new Map(stored.map((s) => [s.dedup_key, s]));
    const mapping = new Map<string, string>();
    for (const r of rows) {
      const s = byStoredKey.get(r.key)!;
      for (const ext of r.externalIds) {
        mapping.set(ext, s.id);
        learnedProducts.set(ext, { id: s.id, businessId: s.business_id });
      }
    }
    await recordExternalIds(q, 'product', ctx.source, mapping);
    await writeStock(q, rows.map((r) => ({ id: byStoredKey.get(r.key)!.id, stock: r.row.stock })));
    const accepted = batch.length - rejected.length;
    return { created: created.length, updated: updated.length, unchanged: Math.max(0, accepted - created.length - updated.length), rejected };
  });
  for (const [ext, id] of learnedBusinesses) ctx.businesses.set(ext, id);
  for (const [ext, ref] of learnedProducts) ctx.products.set(ext, ref);
  return result;
}

/**
 * Stock: a quantity in the file replaces the stored one. Without one, a product gets a row with
 * quantity 0 if it has none (explicitly out of stock, the same as the demo's reading of a missing
 * row), and a known quantity is never wiped by a file that does not mention stock.
 */
async function writeStock(q: Queryable, rows: { id: string; stock?: number }[]): Promise<void> {
  const known = rows.filter((r) => r.stock !== undefined);
  const unknown = rows.filter((r) => r.stock === undefined);
  if (known.length) {
    await q.query(
      `INSERT INTO stock (product_id, quantity) SELECT u.id, u.quantity::int FROM unnest($1::text[], $2::text[]) AS u(id, quantity)
       ON CONFLICT (product_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now() WHERE stock.quantity <> EXCLUDED.quantity`,
      [known.map((r) => r.id), known.map((r) => String(r.stock))],
    );
  }
  if (unknown.length) {
    await q.query('INSERT INTO stock (product_id, quantity) SELECT unnest($1::text[]), 0 ON CONFLICT DO NOTHING', [unknown.map((r) => r.id)]);
  }
}

/**
 * price_range is the price's quartile within its category (1 cheapest .. 4), so it can only be set
 * once the category's products are in. Price 0 (unknown) is always 1 and does not shift the others.
 */
export async function recomputePriceRanges(q: Queryable, categories: readonly string[]): Promise<void> {
  if (!categories.length) return;
  await q.query(
    `UPDATE products p SET price_range = r.price_range
     FROM (SELECT id, CASE WHEN price = 0 THEN 1
                  ELSE 1 + least(3, floor(percent_rank() OVER (PARTITION BY category, price > 0 ORDER BY price) * 4))::int END AS price_range
           FROM products WHERE category = ANY($1::text[])) r
     WHERE p.id = r.id AND p.price_range <> r.price_range`,
    [categories],
  );
}
