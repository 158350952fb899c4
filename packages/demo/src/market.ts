import type { Business } from './businesses';
import type { CatalogPlan } from './catalog';
import { Cdf, Rng, zipfCdf } from './rng';
import { CATEGORIES, CITIES } from './vocabulary';

// What a shopper can be shown: per city and category, the products in popularity order with a
// Zipf distribution over that order, so a few products in every category take most of the
// attention. A product's popularity rank is one random permutation per category; the city lists
// keep that order, so a product popular in Dubai is popular everywhere it is sold.

interface Shelf {
  products: Int32Array;
  zipf: Cdf;
}

export class Market {
  private readonly byCity: (Shelf | undefined)[][];
  private readonly everywhere: (Shelf | undefined)[];
  /** Brand indices seen in each category, most-listed first. */
  readonly brandsByCategory: number[][];

  constructor(readonly plan: CatalogPlan, readonly businesses: readonly Business[], seed: number) {
    const perCategory: number[][] = CATEGORIES.map(() => []);
    for (let p = 0; p < plan.count; p++) perCategory[plan.category[p]].push(p);
    const rng = new Rng(seed, 'popularity');
    for (const list of perCategory) rng.shuffle(list);
    this.everywhere = perCategory.map(shelf);
    this.byCity = CITIES.map((_, city) => perCategory.map((list) => shelf(list.filter((p) => businesses[plan.business[p]].city === city))));
    this.brandsByCategory = perCategory.map((list) => {
      const counts = new Map<number, number>();
      for (const p of list) if (plan.brand[p] >= 0) counts.set(plan.brand[p], (counts.get(plan.brand[p]) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([brand]) => brand);
    });
  }

  hasProducts(category: number): boolean {
    return this.everywhere[category] !== undefined;
  }

  /**
   * A product of the category, popular ones far more often, sold in the city when the city has
   * any (deliveries are local), listed before `at`. -1 when there is none.
   */
  sample(rng: Rng, city: number, category: number, at: number): number {
    const local = this.byCity[city][category];
    const shelf = local && rng.chance(0.9) ? local : this.everywhere[category];
    if (!shelf) return -1;
    for (let attempt = 0; attempt < 4; attempt++) {
      const p = shelf.products[shelf.zipf.sample(rng)];
      if (this.plan.createdAt[p] <= at) return p;
    }
    return -1;
  }
}

function shelf(list: readonly number[]): Shelf | undefined {
  return list.length ? { products: Int32Array.from(list), zipf: zipfCdf(list.length) } : undefined;
}
