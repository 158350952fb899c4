import { RESTAURANT_CATEGORIES } from './restaurant';
import { GROCERY_CATEGORIES } from './grocery';
import type { Category } from './types';

export type { Category, CategoryKind, Item, Size, Term } from './types';
export { CUISINES, PORTIONS, type Cuisine } from './restaurant';
export { CITIES, SUPERMARKET_CHAINS, CONVENIENCE_CHAINS, type City } from './places';
export { DISH_DESCRIPTIONS, GROCERY_DESCRIPTIONS, DESCRIPTION_NOTES, REVIEWS, SEARCH_FORMS } from './phrases';

/** Every category, restaurant menus first; a category's position here is its numeric id in the plans. */
export const CATEGORIES: readonly Category[] = [...RESTAURANT_CATEGORIES, ...GROCERY_CATEGORIES];

export const CATEGORY_INDEX: ReadonlyMap<string, number> = new Map(CATEGORIES.map((c, i) => [c.id, i]));

export function categoryIndex(id: string): number {
  const i = CATEGORY_INDEX.get(id);
  if (i === undefined) throw new Error(`unknown demo category ${id}`);
  return i;
}
