import { z } from 'zod';
import type { Vertical } from '@souk/domain';
import type { Pii } from '../pii';
import type { Validation } from '../types';
import { isBlank, optionalInt, optionalPrice, optionalText, optionalVertical, requiredText, validateRow, type Raw } from './fields';

// Each field is read from its column first, then from the same key inside `metadata`.
export const PRODUCT_COLUMNS = {
  id: ['id', 'product_id', 'sku'],
  title: ['title', 'name', 'product_name'],
  description: ['description', 'desc'],
  brand: ['brand'],
  catalogId: ['catalog_id'],
  category: ['category', 'category_code', 'category_name'],
  price: ['price'],
  currency: ['currency'],
  vertical: ['vertical'],
  businessId: ['business_id', 'store_id', 'shop_id', 'merchant_id'],
  businessName: ['business', 'business_name', 'store', 'store_name', 'shop'],
  city: ['city', 'business_city'],
  stock: ['stock', 'quantity', 'stock_quantity', 'qty'],
} as const;

export const PRODUCT_REQUIRED = [PRODUCT_COLUMNS.id, PRODUCT_COLUMNS.title];

const schema = z.object({
  id: requiredText(500),
  title: requiredText(500),
  description: optionalText(20_000),
  brand: optionalText(200),
  catalogId: optionalText(200),
  category: optionalText(200),
  price: optionalPrice(),
  currency: optionalText(3).refine((c) => c === undefined || /^[A-Za-z]{3}$/.test(c), { message: 'is not a 3-letter currency code' }),
  vertical: optionalVertical(),
  businessId: optionalText(500),
  businessName: optionalText(300),
  city: optionalText(200),
  stock: optionalInt(0, 2_147_483_647),
});

export interface ProductRow {
  externalId: string;
  title: string;
  description: string;
  category: string;
  brand?: string;
  /** undefined: the file does not say (new products get 0, known ones keep theirs). */
  price?: number;
  currency?: string;
  vertical?: Vertical;
  /** How the business is found, in this order: the source's business id, a name (+ city), the catalog id. */
  businessId?: string;
  businessName?: string;
  city?: string;
  catalogId?: string;
  /** undefined: stock unknown (new products get a 0 row, known quantities are kept). */
  stock?: number;
  attributes: Record<string, unknown>;
}

// Keys that would put personal data into attributes are dropped outright.
const PII_KEY = /e_?mail|phone|mobile|first_?name|last_?name|full_?name|^name$|address/i;
const CONSUMED = new Set<string>(Object.values(PRODUCT_COLUMNS).flat().filter((k) => k !== 'catalog_id'));

function scrubJson(value: unknown, pii: Pii): unknown {
  if (typeof value === 'string') return pii.scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, pii));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!PII_KEY.test(k)) out[k] = scrubJson(v, pii);
    return out;
  }
  return value;
}

function readMetadata(raw: unknown): Validation<Record<string, unknown>> {
  if (isBlank(raw)) return { ok: true, value: {} };
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return { ok: false, reason: `metadata is not valid JSON (${(err as Error).message})` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'metadata is not a JSON object' };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.trim().toLowerCase()] = v;
  return { ok: true, value: out };
}

export function productValidator(pii: Pii): (values: Raw) => Validation<ProductRow> {
  return (values) => {
    const metadata = readMetadata(values.metadata);
    if (!metadata.ok) return metadata;
    const v = validateRow(schema, PRODUCT_COLUMNS, { values }, { values: metadata.value, prefix: 'metadata.' });
    if (!v.ok) return v;
    const p = v.value;
    if (!p.businessId && !p.businessName && !p.catalogId) {
      return { ok: false, reason: 'names no business: give business_id, business (a name) or metadata.catalog_id' };
    }
    const extra = Object.fromEntries(Object.entries(metadata.value).filter(([k]) => !CONSUMED.has(k)));
    return {
      ok: true,
      value: {
        externalId: p.id,
        title: p.title,
        description: p.description ? pii.scrub(p.description) : '',
        category: p.category ?? 'uncategorised',
        brand: p.brand,
        price: p.price,
        currency: p.currency?.toUpperCase(),
        vertical: p.vertical,
        businessId: p.businessId,
        businessName: p.businessName,
        city: p.city,
        catalogId: p.catalogId,
        stock: p.stock,
        attributes: scrubJson(extra, pii) as Record<string, unknown>,
      },
    };
  };
}
