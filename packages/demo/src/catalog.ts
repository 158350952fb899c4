import type { Business } from './businesses';
import { apportion } from './apportion';
import type { ResolvedOptions } from './options';
import { streamFor } from './rng';
import { CATEGORIES, CUISINES, type Item, type Term } from './vocabulary';

// The product catalog as a compact plan: one typed-array slot per product (100k products are a
// few MB), from which rows, image vectors, stock and the event generator's product lists are all
// derived. Text is not stored; it is rebuilt from the plan when rows are streamed out.

export const PORTION_REGULAR = 0;
export const PORTION_LARGE = 1;
export const PORTION_MEAL = 2;

/** Dishes that come as a combo meal; drinks, desserts and mezze do not. */
const MEAL_CATEGORIES = new Set(['shawarma', 'burgers', 'grills', 'indian', 'asian', 'pizza']);

export interface CatalogPlan {
  count: number;
  business: Int32Array;
  category: Uint8Array;
  item: Uint8Array;
  /** Index into brands; -1 for unbranded (fresh produce). */
  brand: Int32Array;
  /** Index into the item's sizes; -1 when sold as one unit. */
  size: Int8Array;
  portion: Uint8Array;
  organic: Uint8Array;
  /** AED, rounded to 0.25. */
  price: Float64Array;
  /** 1..4: the price's quartile within its category. */
  priceRange: Uint8Array;
  createdAt: Float64Array;
  brands: Term[];
}

export const productId = (i: number) => `p_${String(i).padStart(6, '0')}`;

/** The (category, item) an entry refers to. */
export function itemOf(plan: CatalogPlan, p: number): Item {
  return CATEGORIES[plan.category[p]].items[plan.item[p]];
}

export function planCatalog(options: ResolvedOptions, businesses: readonly Business[]): CatalogPlan {
  const n = options.products;
  const plan: CatalogPlan = {
    count: n,
    business: new Int32Array(n),
    category: new Uint8Array(n),
    item: new Uint8Array(n),
    brand: new Int32Array(n),
    size: new Int8Array(n),
    portion: new Uint8Array(n),
    organic: new Uint8Array(n),
    price: new Float64Array(n),
    priceRange: new Uint8Array(n),
    createdAt: new Float64Array(n),
    brands: [],
  };
  const brandIndex = new Map<string, number>();
  const brandOf = (term: Term) => {
    let i = brandIndex.get(term.en);
    if (i === undefined) {
      i = plan.brands.length;
      plan.brands.push(term);
      brandIndex.set(term.en, i);
    }
    return i;
  };
  const now = options.now.getTime();
  const perBusiness = apportion(n, businesses.map((b) => b.catalogWeight));
  let p = 0;
  businesses.forEach((b, bi) => {
    for (let j = 0; j < perBusiness[bi]; j++, p++) {
      const rng = streamFor(options.seed, 'product', p);
      const category = pickCategory(b, rng.next(), rng.next());
      const cat = CATEGORIES[category];
      // Earlier items in a vocabulary list are the commoner ones (milk before labneh).
      const item = Math.min(cat.items.length - 1, Math.floor(cat.items.length * Math.pow(rng.next(), 1.4)));
      const it = cat.items[item];
      const brands = it.brands ?? cat.brands ?? [];
      const brand = b.vertical === 'RESTAURANT' ? brandOf(b.brand) : brands.length ? brandOf(rng.pick(brands)) : -1;
      const size = it.sizes?.length ? rng.int(0, it.sizes.length - 1) : -1;
      let portion = PORTION_REGULAR;
      if (cat.kind === 'restaurant') {
        const r = rng.next();
        if (r < 0.15 && MEAL_CATEGORIES.has(cat.id) && !it.en.includes('Meal')) portion = PORTION_MEAL;
        else if (r < 0.35) portion = PORTION_LARGE;
      }
      const organic = (cat.id === 'produce' || cat.id === 'dairy') && rng.chance(0.15);
      const factor = (size >= 0 ? it.sizes![size].factor : 1) * (portion === PORTION_LARGE ? 1.35 : portion === PORTION_MEAL ? 1.5 : 1) * (organic ? 1.4 : 1);
      plan.business[p] = bi;
      plan.category[p] = category;
      plan.item[p] = item;
      plan.brand[p] = brand;
      plan.size[p] = size;
      plan.portion[p] = portion;
      plan.organic[p] = organic ? 1 : 0;
      plan.price[p] = Math.max(0.5, Math.round(it.price * factor * b.priceLevel * rng.logNormal(0, 0.12) * 4) / 4);
      // Most of a shop's products were listed when it opened; a few are new this week.
      plan.createdAt[p] = b.createdAt + Math.round(Math.pow(rng.next(), 6) * (now - b.createdAt));
    }
  });
  assignPriceRanges(plan);
  return plan;
}

function pickCategory(b: Business, r1: number, r2: number): number {
  if (b.vertical === 'RESTAURANT') {
    const cuisine = CUISINES[b.cuisine];
    const ids = r1 < 0.8 ? cuisine.main : cuisine.extras;
    return CATEGORIES.findIndex((c) => c.id === ids[Math.floor(r2 * ids.length)]);
  }
  const shelves = b.vertical === 'SUPERMARKET' ? SUPERMARKET_SHELVES : CONVENIENCE_SHELVES;
  let r = r1 * shelves.total;
  for (const [index, weight] of shelves.entries) {
    r -= weight;
    if (r < 0) return index;
  }
  return shelves.entries[shelves.entries.length - 1][0];
}

function shelves(filter: (i: number) => boolean) {
  const entries = CATEGORIES.map((c, i) => [i, c.weight] as [number, number]).filter(([i]) => CATEGORIES[i].kind === 'grocery' && filter(i));
  return { entries, total: entries.reduce((a, [, w]) => a + w, 0) };
}
const SUPERMARKET_SHELVES = shelves(() => true);
const CONVENIENCE_SHELVES = shelves((i) => CATEGORIES[i].convenience === true);

/** price_range is the product's price quartile within its category: 1 cheapest .. 4 dearest. */
function assignPriceRanges(plan: CatalogPlan): void {
  const byCategory = new Map<number, number[]>();
  for (let p = 0; p < plan.count; p++) {
    const list = byCategory.get(plan.category[p]);
    if (list) list.push(plan.price[p]);
    else byCategory.set(plan.category[p], [plan.price[p]]);
  }
  const cuts = new Map<number, number[]>();
  for (const [category, prices] of byCategory) {
    prices.sort((a, b) => a - b);
    cuts.set(category, [0.25, 0.5, 0.75].map((q) => prices[Math.floor(q * (prices.length - 1))]));
  }
  for (let p = 0; p < plan.count; p++) {
    const [q1, q2, q3] = cuts.get(plan.category[p])!;
    const price = plan.price[p];
    plan.priceRange[p] = price <= q1 ? 1 : price <= q2 ? 2 : price <= q3 ? 3 : 4;
  }
}
