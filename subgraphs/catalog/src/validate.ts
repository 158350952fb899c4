import { isVertical, VERTICALS, type Vertical } from '@souk/domain';
import { BatchTooLargeError, InvalidInputError } from '@souk/errors';

// Every check runs before any SQL, so a bad request is answered with BAD_USER_INPUT naming the
// field, never with a constraint violation from the database.

export const MAX_PAGE = 100;
export const MAX_STOCK_BATCH = 500;
export const IMAGE_VECTOR_DIM = 1280;
export const MAX_SEARCH_QUERY = 200;
// numeric(12, 2)
const MAX_PRICE = 9_999_999_999.99;
const MAX_TEXT = 10_000;
const MAX_ID = 128;

export function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw new InvalidInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
  }
  return first;
}

export function vertical(value: unknown, field = 'vertical'): Vertical {
  if (!isVertical(value)) throw new InvalidInputError(`${field} must be one of ${VERTICALS.join(', ')}`, { field });
  return value;
}

export function optionalVertical(value: unknown, field = 'vertical'): Vertical | null {
  return value === undefined || value === null ? null : vertical(value, field);
}

/** Trimmed, non-empty, bounded. */
export function text(value: unknown, field: string, max = MAX_TEXT): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s) throw new InvalidInputError(`${field} must not be empty`, { field });
  if (s.length > max) throw new InvalidInputError(`${field} must be at most ${max} characters`, { field });
  return s;
}

/** Trimmed; empty means absent. */
export function optionalText(value: string | null | undefined, field: string, max = MAX_TEXT): string | null {
  if (value === undefined || value === null || !value.trim()) return null;
  return text(value, field, max);
}

export function id(value: unknown, field = 'id'): string {
  return text(value, field, MAX_ID);
}

export function price(value: unknown, field = 'price'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_PRICE) {
    throw new InvalidInputError(`${field} must be a number between 0 and ${MAX_PRICE}`, { field });
  }
  return value;
}

export function priceRange(value: unknown, field = 'priceRange'): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 4) {
    throw new InvalidInputError(`${field} must be an integer from 1 to 4`, { field });
  }
  return value as number;
}

export function currency(value: unknown, field = 'currency'): string {
  const s = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(s)) throw new InvalidInputError(`${field} must be a 3-letter ISO 4217 code`, { field });
  return s;
}

export function quantity(value: unknown, field = 'quantity'): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new InvalidInputError(`${field} must be an integer ≥ 0`, { field });
  return value as number;
}

export function latitude(value: number | null | undefined, field = 'lat'): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || Math.abs(value) > 90) throw new InvalidInputError(`${field} must be within [-90, 90]`, { field });
  return value;
}

export function longitude(value: number | null | undefined, field = 'lon'): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || Math.abs(value) > 180) throw new InvalidInputError(`${field} must be within [-180, 180]`, { field });
  return value;
}

export function imageVector(value: readonly number[], field = 'imageVector'): number[] {
  if (value.length !== IMAGE_VECTOR_DIM) {
    throw new InvalidInputError(`${field} must hold ${IMAGE_VECTOR_DIM} numbers, not ${value.length}`, { field });
  }
  if (!value.every(Number.isFinite)) throw new InvalidInputError(`${field} must hold finite numbers only`, { field });
  return [...value];
}

/** [{name, value}] → the jsonb object; names unique and non-empty. */
export function attributes(value: readonly { name: string; value: string }[], field = 'attributes'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, a] of value.entries()) {
    const name = text(a.name, `${field}[${i}].name`, 200);
    if (Object.hasOwn(out, name)) throw new InvalidInputError(`${field} names attribute ${JSON.stringify(name)} twice`, { field });
    out[name] = a.value;
  }
  return out;
}

export function stockBatch(items: readonly { productId: string; quantity: number }[]): { productId: string; quantity: number }[] {
  if (items.length > MAX_STOCK_BATCH) throw new BatchTooLargeError('setStocks items', items.length, MAX_STOCK_BATCH);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const productId = id(item.productId, `items[${i}].productId`);
    if (seen.has(productId)) throw new InvalidInputError(`items name product ${JSON.stringify(productId)} twice`, { field: `items[${i}].productId` });
    seen.add(productId);
    return { productId, quantity: quantity(item.quantity, `items[${i}].quantity`) };
  });
}

export function searchQuery(value: string): string {
  const q = value.normalize('NFKC').trim();
  if (!/[\p{L}\p{N}]/u.test(q)) throw new InvalidInputError('query must contain at least one word', { field: 'query' });
  if (q.length > MAX_SEARCH_QUERY) throw new InvalidInputError(`query must be at most ${MAX_SEARCH_QUERY} characters`, { field: 'query' });
  return q;
}
