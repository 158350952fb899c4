import { planBusinesses } from '../src/businesses';
import { planCatalog, productId } from '../src/catalog';
import { interactionRows } from '../src/events';
import { IMAGE_DIM, ImageModel } from '../src/images';
import { Market } from '../src/market';
import { resolveOptions } from '../src/options';
import { userProfile } from '../src/users';
import { CATEGORIES, CITIES } from '../src/vocabulary';

// The generated data must carry learnable signal. These checks run on the generators alone (no
// database), on a marketplace large enough for the statistics to be stable.
const options = resolveOptions({ users: 300, businesses: 60, products: 2_000, events: 40_000, seed: 11, now: new Date('2026-03-15T00:00:00Z') });
const businesses = planBusinesses(options);
const plan = planCatalog(options, businesses);
const market = new Market(plan, businesses, options.seed);
const profiles = Array.from({ length: options.users }, (_, i) => userProfile(options, market, i));
const productIndex = new Map(Array.from({ length: plan.count }, (_, p) => [productId(p), p]));
const events = [...interactionRows(options, market)].map((r) => ({
  user: Number(String(r[1]).slice(2)),
  product: r[2] === null ? -1 : productIndex.get(r[2] as string)!,
  type: r[4] as string,
  at: (r[8] as Date).getTime(),
  session: r[9] as string,
}));

test('image vectors cluster by category', () => {
  const model = new ImageModel(options.seed);
  const vectors = Array.from({ length: 300 }, (_, p) => Float32Array.from(model.vectorText(plan, p).slice(1, -1).split(','), Number));
  expect(vectors[0]).toHaveLength(IMAGE_DIM);
  const cosine = (a: Float32Array, b: Float32Array) => {
    let dot = 0, na = 0, nb = 0;
    for (let d = 0; d < IMAGE_DIM; d++) { dot += a[d] * b[d]; na += a[d] * a[d]; nb += b[d] * b[d]; }
    return dot / Math.sqrt(na * nb);
  };
  let same = 0, sameN = 0, other = 0, otherN = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      const c = cosine(vectors[i], vectors[j]);
      if (plan.category[i] === plan.category[j]) { same += c; sameN++; } else { other += c; otherN++; }
    }
  }
  expect(same / sameN - other / otherN).toBeGreaterThan(0.3);
});

test('users spend most of their attention on the categories they like, and mostly state those', () => {
  let inFavourites = 0, engaged = 0;
  for (const e of events) {
    if (e.product < 0 || e.type === 'IMPRESSION') continue;
    engaged++;
    if (profiles[e.user].favouriteCategories.includes(CATEGORIES[plan.category[e.product]].id)) inFavourites++;
  }
  // Each user states 2-3 of 23 categories: by chance about 11% of their events would fall there.
  expect(inFavourites / engaged).toBeGreaterThan(0.4);
});

test('restaurants peak at lunch and dinner, groceries in the evening and at the weekend, in local time', () => {
  const hours = { restaurant: new Array(24).fill(0), grocery: new Array(24).fill(0) };
  const groceryDays = new Array(7).fill(0);
  const seen = new Set<string>();
  for (const e of events) {
    if (e.product < 0 || seen.has(e.session)) continue;
    seen.add(e.session);
    const local = new Date(e.at + CITIES[profiles[e.user].city].utcOffset * 3_600_000);
    const kind = CATEGORIES[plan.category[e.product]].kind;
    hours[kind][local.getUTCHours()]++;
    if (kind === 'grocery') groceryDays[local.getUTCDay()]++;
  }
  const share = (h: number[], from: number, to: number) => h.slice(from, to + 1).reduce((a, b) => a + b, 0) / h.reduce((a, b) => a + b, 0);
  // Six hours of 24 would get 0.25 with no pattern.
  expect(share(hours.restaurant, 12, 14) + share(hours.restaurant, 19, 21)).toBeGreaterThan(0.45);
  expect(share(hours.grocery, 17, 21)).toBeGreaterThan(2 * share(hours.grocery, 6, 10));
  // Friday and Saturday are the Gulf weekend.
  const weekend = (groceryDays[5] + groceryDays[6]) / 2;
  const weekday = (groceryDays[0] + groceryDays[1] + groceryDays[2] + groceryDays[3] + groceryDays[4]) / 5;
  expect(weekend).toBeGreaterThan(1.15 * weekday);
});

test('popularity is skewed: the top tenth of products gets a large share of impressions', () => {
  const impressions = new Map<number, number>();
  for (const e of events) if (e.type === 'IMPRESSION') impressions.set(e.product, (impressions.get(e.product) ?? 0) + 1);
  const counts = [...impressions.values()].sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  const top = counts.slice(0, Math.ceil(plan.count / 10)).reduce((a, b) => a + b, 0);
  // Without the Zipf skew the top tenth would get little more than a tenth.
  expect(top / total).toBeGreaterThan(0.35);
});

test('cold users signed up recently and have few or no events', () => {
  const perUser = new Array(options.users).fill(0);
  for (const e of events) perUser[e.user]++;
  const cold = profiles.filter((u) => u.cold);
  expect(cold.length).toBeGreaterThan(15);
  for (const u of cold) {
    expect(u.createdAt).toBeGreaterThan(options.now.getTime() - 14 * 86_400_000);
    expect(perUser[u.index]).toBeLessThan(40);
  }
  const warm = profiles.filter((u) => !u.cold).map((u) => perUser[u.index]);
  expect(warm.reduce((a, b) => a + b, 0) / warm.length).toBeGreaterThan(100);
});
