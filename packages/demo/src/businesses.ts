import { businessKey, type Vertical } from '@souk/domain';
import type { ResolvedOptions } from './options';
import { streamFor } from './rng';
import { DAY } from './time';
import { UniqueKeys } from './keys';
import { CITIES, CONVENIENCE_CHAINS, CUISINES, SUPERMARKET_CHAINS, type Term } from './vocabulary';

// Businesses across the three verticals. Each is planned from its own random stream, so the plan
// is small (hundreds to thousands of entries) and the same for a seed whatever the other sizes.

export interface Business {
  index: number;
  id: string;
  vertical: Vertical;
  city: number;
  /** Chain or restaurant brand ("Carrefour", "Al Reef Grill"): shared by branches, the products' brand for restaurants. */
  brand: Term;
  name: Term;
  lat: number;
  lon: number;
  isOpen: boolean;
  createdAt: number;
  /** Index into CUISINES; -1 for shops. */
  cuisine: number;
  /** Restaurants charge more or less than the menu's reference price. */
  priceLevel: number;
  /** Relative share of the product catalog (a hypermarket lists far more than a shawarma stand). */
  catalogWeight: number;
}

const VERTICAL_WEIGHTS: Record<Vertical, number> = { RESTAURANT: 0.55, CONVENIENCE: 0.2, SUPERMARKET: 0.25 };
const CATALOG_WEIGHTS: Record<Vertical, number> = { RESTAURANT: 1, CONVENIENCE: 2.5, SUPERMARKET: 6 };
const VERTICAL_LIST = Object.keys(VERTICAL_WEIGHTS) as Vertical[];

export const businessId = (i: number) => `b_${String(i).padStart(6, '0')}`;

export function planBusiness(seed: number, index: number, now: number): Business {
  const rng = streamFor(seed, 'business', index);
  // The first three cover every vertical, so even a tiny marketplace has all of them.
  const vertical = index < VERTICAL_LIST.length ? VERTICAL_LIST[index] : VERTICAL_LIST[rng.weightedIndex(VERTICAL_LIST.map((v) => VERTICAL_WEIGHTS[v]))];
  const city = rng.weightedIndex(CITIES.map((c) => c.weight));
  const area = rng.pick(CITIES[city].areas);
  let brand: Term;
  let cuisine = -1;
  if (vertical === 'RESTAURANT') {
    cuisine = rng.weightedIndex(CUISINES.map((c) => c.weight));
    const place = rng.pick(CUISINES[cuisine].names);
    const noun = rng.pick(CUISINES[cuisine].nouns);
    brand = { en: `${place.en} ${noun.en}`, ar: `${noun.ar} ${place.ar}` };
  } else {
    brand = rng.pick(vertical === 'SUPERMARKET' ? SUPERMARKET_CHAINS : CONVENIENCE_CHAINS);
  }
  // A few businesses opened this week: new items with no history, the cold-start case.
  const ageDays = rng.chance(0.04) ? rng.range(0, 7) : rng.range(7, 400);
  return {
    index,
    id: businessId(index),
    vertical,
    city,
    brand,
    name: { en: `${brand.en} - ${area.en}`, ar: `${brand.ar} - ${area.ar}` },
    lat: round(CITIES[city].lat + rng.range(-0.08, 0.08), 5),
    lon: round(CITIES[city].lon + rng.range(-0.08, 0.08), 5),
    isOpen: rng.chance(0.92),
    createdAt: now - Math.round(ageDays * DAY),
    cuisine,
    priceLevel: vertical === 'RESTAURANT' ? rng.logNormal(0, 0.2) : rng.logNormal(0, 0.05),
    catalogWeight: CATALOG_WEIGHTS[vertical] * rng.logNormal(0, 0.4),
  };
}

export function planBusinesses(options: ResolvedOptions): Business[] {
  const now = options.now.getTime();
  return Array.from({ length: options.businesses }, (_, i) => planBusiness(options.seed, i, now));
}

export const BUSINESS_COLUMNS = ['id', 'vertical', 'name', 'city', 'lat', 'lon', 'is_open', 'dedup_key', 'created_at', 'updated_at'] as const;

export function* businessRows(businesses: readonly Business[]): Generator<unknown[]> {
  const keys = new UniqueKeys();
  for (const b of businesses) {
    const created = new Date(b.createdAt);
    const city = CITIES[b.city].en;
    yield [b.id, b.vertical, b.name.en, city, b.lat, b.lon, b.isOpen, keys.claim(businessKey(b.name.en, city)), created, created];
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
