import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { planBusinesses } from './businesses';
import { planCatalog } from './catalog';
import { interactionRows } from './events';
import { Market } from './market';
import { resolveOptions, type GenerateOptions } from './options';
import { productRows } from './products';

// The same marketplace written as the common e-commerce CSVs that the importer and the training
// pipeline read: products.csv (product_id,title,description,metadata) and events.csv
// (buyer_id,product_id,event_type,timestamp with View / AddToCart / Purchase). Only the event types
// that format knows are written; impressions, searches and the rest stay in the database path.

const SMALL = { users: 200, businesses: 30, products: 1_000, events: 20_000 } as const;

const EVENT_NAMES: Record<string, string> = { VIEW: 'View', ADD_TO_CART: 'AddToCart', PURCHASE: 'Purchase' };

/** Rows are flushed to disk in pieces of this many lines. */
const FLUSH_LINES = 10_000;

export interface ImportFiles {
  products: { path: string; rows: number };
  events: { path: string; rows: number };
}

export function writeImportFiles(dir: string, options: GenerateOptions = {}): ImportFiles {
  const o = resolveOptions({
    ...options,
    users: options.users ?? SMALL.users,
    businesses: options.businesses ?? SMALL.businesses,
    products: options.products ?? SMALL.products,
    events: options.events ?? SMALL.events,
  });
  mkdirSync(dir, { recursive: true });
  const businesses = planBusinesses(o);
  const plan = planCatalog(o, businesses);
  const market = new Market(plan, businesses, o.seed);

  const productsPath = join(dir, 'products.csv');
  const products = writeCsv(productsPath, ['product_id', 'title', 'description', 'metadata'], mapRows(productRows(plan, businesses, o.seed), (r) => {
    const [id, businessId, title, description, category, brand, price] = r as [string, string, string, string, string, string | null, string];
    return [id, title, description, JSON.stringify({ brand, catalog_id: category, business_id: businessId, price: Number(price) })];
  }));

  const eventsPath = join(dir, 'events.csv');
  const events = writeCsv(eventsPath, ['buyer_id', 'product_id', 'event_type', 'timestamp'], mapRows(interactionRows(o, market), (r) => {
    const [, userId, productId, , type, , , , occurredAt] = r as [string, string, string | null, string | null, string, unknown, unknown, unknown, Date];
    const name = EVENT_NAMES[type];
    return name && productId ? [userId, productId, name, occurredAt.toISOString()] : undefined;
  }));
  return { products: { path: productsPath, rows: products }, events: { path: eventsPath, rows: events } };
}

function* mapRows(rows: Iterable<unknown[]>, map: (row: unknown[]) => string[] | undefined): Generator<string[]> {
  for (const row of rows) {
    const mapped = map(row);
    if (mapped) yield mapped;
  }
}

/** RFC 4180: every field quoted, quotes doubled; returns the number of data rows. */
function writeCsv(path: string, header: readonly string[], rows: Iterable<string[]>): number {
  const line = (fields: readonly string[]) => fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
  writeFileSync(path, `${header.join(',')}\n`);
  let pending: string[] = [];
  let count = 0;
  for (const row of rows) {
    pending.push(line(row));
    count++;
    if (pending.length >= FLUSH_LINES) {
      appendFileSync(path, `${pending.join('\n')}\n`);
      pending = [];
    }
  }
  if (pending.length) appendFileSync(path, `${pending.join('\n')}\n`);
  return count;
}
