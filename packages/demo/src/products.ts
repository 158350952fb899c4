import { productKey } from '@souk/domain';
import type { Business } from './businesses';
import { itemOf, PORTION_LARGE, PORTION_MEAL, PORTION_REGULAR, productId, type CatalogPlan } from './catalog';
import { UniqueKeys } from './keys';
import { streamFor } from './rng';
import { DAY } from './time';
import { pickLanguage, productDescription, productName, productTitle } from './text';
import { CATEGORIES } from './vocabulary';

// Row streams for products and stock, derived from the catalog plan one product at a time.

export const PRODUCT_COLUMNS = [
  'id', 'business_id', 'title', 'description', 'category', 'brand', 'price', 'price_range', 'currency', 'attributes', 'dedup_key', 'created_at', 'updated_at',
] as const;

export const STOCK_COLUMNS = ['product_id', 'quantity', 'updated_at'] as const;

export function productAttributes(plan: CatalogPlan, p: number, rng: { int(min: number, max: number): number }): Record<string, unknown> {
  const cat = CATEGORIES[plan.category[p]];
  const item = itemOf(plan, p);
  const common = { spicy: item.spicy === true, vegetarian: item.vegetarian === true };
  if (cat.kind === 'restaurant') {
    const portion = plan.portion[p];
    return {
      ...common,
      size: portion === PORTION_LARGE ? 'large' : 'regular',
      meal: portion === PORTION_MEAL,
      calories: Math.round((item.price * 22 + rng.int(0, 200)) * (portion === PORTION_REGULAR ? 1 : 1.4)),
      prep_minutes: rng.int(5, 30),
    };
  }
  return {
    ...common,
    size: plan.size[p] >= 0 ? item.sizes![plan.size[p]].en : 'single',
    organic: plan.organic[p] === 1,
    ...(cat.id === 'meat' ? { halal: true } : {}),
  };
}

export function* productRows(plan: CatalogPlan, businesses: readonly Business[], seed: number): Generator<unknown[]> {
  let keys = new UniqueKeys();
  for (let p = 0; p < plan.count; p++) {
    const rng = streamFor(seed, 'product-text', p);
    const business = businesses[plan.business[p]];
    // A business's products are contiguous in the plan, so keys need only be unique per run of them.
    if (p > 0 && plan.business[p] !== plan.business[p - 1]) keys = new UniqueKeys();
    const name = productName(plan, p);
    const language = pickLanguage(rng);
    const title = productTitle(name, language);
    const created = new Date(plan.createdAt[p]);
    yield [
      productId(p),
      business.id,
      title,
      productDescription(plan, p, business, name, language, rng),
      CATEGORIES[plan.category[p]].id,
      plan.brand[p] >= 0 ? plan.brands[plan.brand[p]].en : null,
      plan.price[p].toFixed(2),
      plan.priceRange[p],
      'AED',
      productAttributes(plan, p, rng),
      keys.claim(productKey(business.id, title)),
      created,
      created,
    ];
  }
}

/** Quantity on hand; some products are sold out (quantity 0), more often on shop shelves than on menus. */
export function stockQuantity(plan: CatalogPlan, p: number, seed: number): number {
  const rng = streamFor(seed, 'stock', p);
  const restaurant = CATEGORIES[plan.category[p]].kind === 'restaurant';
  if (rng.chance(restaurant ? 0.03 : 0.08)) return 0;
  return restaurant ? rng.int(20, 100) : Math.min(500, Math.ceil(rng.logNormal(3, 0.9)));
}

export function* stockRows(plan: CatalogPlan, seed: number, now: number): Generator<unknown[]> {
  for (let p = 0; p < plan.count; p++) {
    const updated = Math.max(plan.createdAt[p], now - Math.floor(streamFor(seed, 'stock-time', p).next() * 2 * DAY));
    yield [productId(p), stockQuantity(plan, p, seed), new Date(updated)];
  }
}
