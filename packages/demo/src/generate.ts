import type { Db } from '@souk/db';
import { rebuildPopularitySql } from '@souk/domain';
import { BUSINESS_COLUMNS, businessId, businessRows, planBusinesses } from './businesses';
import { planCatalog } from './catalog';
import { INTERACTION_COLUMNS, interactionRows } from './events';
import { IMAGE_COLUMNS, ImageModel, imageRows } from './images';
import { Market } from './market';
import { resolveOptions, type GenerateOptions } from './options';
import { PRODUCT_COLUMNS, productRows, STOCK_COLUMNS, stockRows } from './products';
import { USER_COLUMNS, userRows } from './users';

// Generates the demo marketplace straight into a database: plans the businesses and the catalog
// (small typed arrays), then streams every table through COPY, rebuilds product_popularity, and
// finally records a marker row. The marker is written last, so its presence means a complete load,
// which is what makes the generator safe to call on every start of the demo.

/** Where the marker lives: external_ids records each entity's origin, and the demo is one. */
export const DEMO_SOURCE = 'souk-demo';

/** 1280-d vectors are ~6 KB of text each; smaller COPY batches keep PGlite's memory in check. */
const IMAGE_BATCH = 2_000;

export type TableCounts = Record<'businesses' | 'products' | 'product_images' | 'stock' | 'users' | 'interactions' | 'product_popularity', number>;

export interface GenerateSummary {
  seed: number;
  /** True when the database already held data and nothing was written. */
  skipped: boolean;
  /** Why it was skipped. */
  reason?: string;
  /** Rows written per table (all zero when skipped). */
  counts: TableCounts;
  /** Seconds per step, in the order they ran. */
  steps: Record<string, number>;
  seconds: number;
}

const ZERO: TableCounts = { businesses: 0, products: 0, product_images: 0, stock: 0, users: 0, interactions: 0, product_popularity: 0 };

export async function generateMarketplace(db: Db, options: GenerateOptions = {}): Promise<GenerateSummary> {
  const o = resolveOptions(options);
  const started = performance.now();
  const steps: Record<string, number> = {};
  const counts = { ...ZERO };
  const reason = await reasonToSkip(db, o.seed);
  if (reason) {
    o.log(reason);
    return { seed: o.seed, skipped: true, reason, counts, steps, seconds: elapsed(started) };
  }

  const step = async (name: keyof TableCounts, run: () => Promise<number>) => {
    const t0 = performance.now();
    counts[name] = await run();
    steps[name] = elapsed(t0);
    o.log(`${name}: ${counts[name]} rows in ${steps[name].toFixed(1)} s`);
  };

  const businesses = planBusinesses(o);
  const plan = planCatalog(o, businesses);
  const market = new Market(plan, businesses, o.seed);
  const now = o.now.getTime();

  await step('businesses', () => db.copyRows('businesses', BUSINESS_COLUMNS, businessRows(businesses)));
  await step('products', () => db.copyRows('products', PRODUCT_COLUMNS, productRows(plan, businesses, o.seed)));
  await step('product_images', async () => {
    const model = new ImageModel(o.seed);
    let total = 0;
    for (let from = 0; from < plan.count; from += IMAGE_BATCH) {
      total += await db.copyRows('product_images', IMAGE_COLUMNS, imageRows(plan, model, from, Math.min(plan.count, from + IMAGE_BATCH)));
    }
    return total;
  });
  await step('stock', () => db.copyRows('stock', STOCK_COLUMNS, stockRows(plan, o.seed, now)));
  await step('users', () => db.copyRows('users', USER_COLUMNS, userRows(o, market)));
  await step('interactions', () => db.copyRows('interactions', INTERACTION_COLUMNS, interactionRows(o, market)));
  await step('product_popularity', async () => {
    await db.query(rebuildPopularitySql(), [o.halfLifeDays]);
    await db.exec('ANALYZE');
    return count(db, 'product_popularity');
  });
  await db.query('INSERT INTO external_ids (entity, source, external_id, internal_id) VALUES ($1, $2, $3, $4)', [
    'business', DEMO_SOURCE, markerId(o.seed), businessId(0),
  ]);
  return { seed: o.seed, skipped: false, counts, steps, seconds: elapsed(started) };
}

const markerId = (seed: number) => `seed:${seed}`;

/** Why generating now would be wrong, or undefined when the database is free for the demo. */
async function reasonToSkip(db: Db, seed: number): Promise<string | undefined> {
  const markers = await db.query<{ external_id: string }>('SELECT external_id FROM external_ids WHERE entity = $1 AND source = $2', ['business', DEMO_SOURCE]);
  if (markers.some((m) => m.external_id === markerId(seed))) return `the database already holds the demo marketplace for seed ${seed}; keeping it`;
  if (markers.length) return `the database holds the demo marketplace for ${markers[0].external_id}, not seed ${seed}; keeping it (start from an empty database to change seed)`;
  const products = await count(db, 'products');
  const users = await count(db, 'users');
  if (products || users) {
    return `the database already has ${products} products and ${users} users that the demo did not finish writing (imported data, or an interrupted run); leaving it alone`;
  }
  return undefined;
}

async function count(db: Db, table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

const elapsed = (since: number) => Math.round(performance.now() - since) / 1000;
