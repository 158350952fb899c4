import { AGE_GROUPS, DEVICES } from '@souk/domain';
import type { Market } from './market';
import type { ResolvedOptions } from './options';
import { streamFor } from './rng';
import { DAY } from './time';
import { CATEGORIES, CITIES } from './vocabulary';

// Shoppers. Each user's profile is rebuilt on demand from their own random stream: the users
// table and the event generator read the same profile without keeping 10k of them in memory.
//
// The learnable signal lives here: a user likes a handful of categories a lot (affinity), states
// most of those as favourites, has favourite brands among them, a price level, a taste for
// particular items, and, when they like a staple shelf, a few staples they rebuy on a cycle.

export interface Staple {
  product: number;
  /** Days between purchases. */
  cycleDays: number;
}

export interface UserProfile {
  index: number;
  id: string;
  ageGroup: (typeof AGE_GROUPS)[number];
  gender: 'female' | 'male' | null;
  city: number;
  lat: number;
  lon: number;
  arabic: boolean;
  device: (typeof DEVICES)[number];
  createdAt: number;
  /** Relative share of all events; 0 for a user who signed up and never did anything. */
  activity: number;
  /** Signed up recently with little or no history: the cold-start case. */
  cold: boolean;
  /** Per category (CATEGORIES order), relative weight of the user's sessions there. */
  affinity: Float64Array;
  favouriteCategories: string[];
  favouriteBrands: number[];
  /** 1..4, the price_range the user is most comfortable with. */
  pricePreference: number;
  staples: Staple[];
}

const AGE_WEIGHTS = [0.18, 0.34, 0.25, 0.13, 0.07, 0.03];
const DEVICE_WEIGHTS = [0.45, 0.4, 0.15];
const COLD_SHARE = 0.12;

export const userId = (i: number) => `u_${String(i).padStart(6, '0')}`;

export function userProfile(options: ResolvedOptions, market: Market, index: number): UserProfile {
  const rng = streamFor(options.seed, 'user', index);
  const now = options.now.getTime();
  const windowStart = now - options.days * DAY;
  const cold = rng.chance(COLD_SHARE);
  // Cold users signed up in the last two weeks: half never did anything; the other half are
  // newcomers with a tenth of a regular user's activity, so that a time split leaves a few dozen
  // users in the test period with no history before it (the cold-start case training evaluates).
  const activity = cold ? (rng.chance(0.5) ? 0 : Math.min(0.2, 0.1 * rng.logNormal(0, 0.9))) : rng.logNormal(0, 0.9);
  const createdAt = cold ? now - Math.floor(rng.next() * 14 * DAY) : windowStart - Math.floor(rng.next() * 400 * DAY);
  const city = rng.weightedIndex(CITIES.map((c) => c.weight));

  // Some people mostly order food, some mostly shop: tilt the liked categories accordingly.
  const restaurantTilt = rng.range(0.2, 0.8);
  const affinity = new Float64Array(CATEGORIES.length).fill(0.1);
  const candidates = CATEGORIES.map((c, i) => (market.hasProducts(i) ? c.weight * (c.kind === 'restaurant' ? restaurantTilt : 1 - restaurantTilt) : 0));
  const liked: number[] = [];
  const likedCount = rng.int(3, 6);
  while (liked.length < likedCount && candidates.some((w) => w > 0)) {
    const c = rng.weightedIndex(candidates);
    candidates[c] = 0;
    liked.push(c);
    affinity[c] = rng.logNormal(1.6, 0.5);
  }
  const byAffinity = liked.slice().sort((a, b) => affinity[b] - affinity[a]);
  // Stated favourites are mostly the truly liked categories; one in seven people names another.
  const favourites = byAffinity.slice(0, rng.int(2, 3));
  if (favourites.length && rng.chance(1 / 7)) favourites[favourites.length - 1] = rng.int(0, CATEGORIES.length - 1);
  const favouriteBrands = new Set<number>();
  for (const c of byAffinity.slice(0, 3)) {
    const brands = market.brandsByCategory[c];
    if (brands.length && rng.chance(0.7)) favouriteBrands.add(brands[Math.floor(Math.pow(rng.next(), 2) * brands.length)]);
  }

  const start = Math.max(windowStart, createdAt);
  const staples: Staple[] = [];
  for (const c of liked) {
    if (!CATEGORIES[c].staple || staples.length >= 3) continue;
    for (let k = rng.int(1, 2); k > 0; k--) {
      const product = market.sample(rng, city, c, start);
      if (product >= 0 && !staples.some((s) => s.product === product)) staples.push({ product, cycleDays: rng.int(5, 12) });
    }
  }

  return {
    index,
    id: userId(index),
    ageGroup: AGE_GROUPS[rng.weightedIndex(AGE_WEIGHTS)],
    gender: rng.chance(0.06) ? null : rng.chance(0.47) ? 'female' : 'male',
    city,
    lat: Math.round((CITIES[city].lat + rng.range(-0.1, 0.1)) * 1e5) / 1e5,
    lon: Math.round((CITIES[city].lon + rng.range(-0.1, 0.1)) * 1e5) / 1e5,
    arabic: rng.chance(0.45),
    device: DEVICES[rng.weightedIndex(DEVICE_WEIGHTS)],
    createdAt,
    activity,
    cold,
    affinity,
    favouriteCategories: [...new Set(favourites)].map((c) => CATEGORIES[c].id),
    favouriteBrands: [...favouriteBrands],
    pricePreference: 1 + rng.weightedIndex([0.3, 0.35, 0.25, 0.1]),
    staples,
  };
}

export const USER_COLUMNS = ['id', 'age_group', 'gender', 'city', 'lat', 'lon', 'favourite_categories', 'favourite_brands', 'created_at'] as const;

export function* userRows(options: ResolvedOptions, market: Market): Generator<unknown[]> {
  for (let i = 0; i < options.users; i++) {
    const u = userProfile(options, market, i);
    const brands = u.favouriteBrands.map((b) => market.plan.brands[b].en);
    yield [u.id, u.ageGroup, u.gender, CITIES[u.city].en, u.lat, u.lon, u.favouriteCategories, brands, new Date(u.createdAt)];
  }
}
