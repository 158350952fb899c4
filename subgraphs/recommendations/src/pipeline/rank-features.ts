import { POPULARITY_EPOCH } from '@souk/domain';

// Stage 2 (re-ranker) input features, exactly as training/ranker.py computes them when it trains
// the LightGBM LambdaRank model exported to ranker.onnx. The definition lives in the docstring of
// training/ranker.py; test/fixtures/rank-features.json (written by `python -m training.ranker
// --fixture ...`) pins this implementation to the Python one within 1e-5.
//
// "History" is the user's last RANK_HISTORY_MAX interactions of a positive type, oldest first,
// counted as events (a product viewed twice counts twice). Every value is computed in float64 and
// stored as float32, the ONNX input type.

/** Feature names in column order: ranker.json's "features" must equal this list. */
export const RANK_FEATURES = [
  'tower_score', // cosine of the user and item tower embeddings
  'cat_affinity', // share of the history whose product has the candidate's category
  'brand_affinity', // same for the brand; 0 when the candidate has no brand
  'price_ratio', // log((price + 1) / (mean price of the history's products + 1)); 0 without history
  'popularity', // log1p of the time-decayed product_popularity at the request time
  'recency', // log1p(days since the product's created_at), 0 for a product created after the request
  'repeat', // log1p(number of PURCHASE events of this product in the history)
  'hour_sin', // sin(2 pi h / 24), h = the request's UTC hour (integer)
  'hour_cos', // cos(2 pi h / 24)
  'device_mobile', // 1 when the device is ios or android (any case), else 0
  'fav_category', // 1 when the candidate's category is one of the user's stated favourite categories
  'fav_brand', // 1 when the candidate's brand is one of the user's stated favourite brands
  'price_range_diff', // price_range - mean price_range of the history's products; 0 without history
] as const;
export type RankFeature = (typeof RANK_FEATURES)[number];
const COL = Object.fromEntries(RANK_FEATURES.map((name, i) => [name, i])) as Record<RankFeature, number>;

export const RANK_HISTORY_MAX = 200;
/** training/data.py POSITIVE_TYPES: the interactions that say the user wanted the product. */
export const RANK_HISTORY_TYPES: readonly string[] = ['VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE', 'SAVE', 'REVIEW'];
/** The half-life the ranker was trained with unless ranker.json says otherwise (POPULARITY_HALF_LIFE_DAYS). */
export const RANK_POPULARITY_HALF_LIFE_DAYS = 14;
const MOBILE_DEVICES: readonly string[] = ['ios', 'android'];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const EPOCH_MS = Date.parse(POPULARITY_EPOCH);

/** One past interaction of the user with the product's current attributes. */
export interface RankHistoryEvent {
  productId: string;
  category: string;
  brand: string | null;
  price: number;
  /** products.price_range, 1 (cheapest in its category) .. 4. */
  priceRange: number;
  /** Interaction type; entries of a non-positive type (IMPRESSION, SEARCH) are skipped. */
  type: string;
}

export interface RankUser {
  /** Oldest first, most recent last; may hold more than RANK_HISTORY_MAX (only the last ones count). */
  history: readonly RankHistoryEvent[];
  /** users.favourite_categories / favourite_brands (stated at sign-up). */
  favouriteCategories: readonly string[];
  favouriteBrands: readonly string[];
}

export interface RankCandidate {
  productId: string;
  /** Cosine of the user and item tower embeddings (their dot product: both are L2-normalised). */
  towerScore: number;
  category: string;
  brand: string | null;
  price: number;
  priceRange: number;
  /** product_popularity.score as stored (epoch-scaled, not yet decayed); 0 when the product has no row. */
  popularity: number;
  createdAt: Date;
}

export interface RankContext {
  /** The request's instant: popularity decay, recency and hour of day are taken at it. */
  time: Date;
  device: string | null;
  /** Half-life product_popularity was accumulated with (config popularityHalfLifeDays); default 14. */
  popularityHalfLifeDays?: number;
}

/** Row-major [candidates.length, RANK_FEATURES.length] float32 matrix, the ranker's `features` input. */
export function rankFeatures(user: RankUser, candidates: readonly RankCandidate[], ctx: RankContext): Float32Array {
  const width = RANK_FEATURES.length;
  const out = new Float32Array(candidates.length * width);
  const positives = user.history.filter((h) => RANK_HISTORY_TYPES.includes(h.type) && h.productId != null);
  const window = positives.slice(Math.max(0, positives.length - RANK_HISTORY_MAX));
  const n = window.length;
  const cats = new Map<string, number>();
  const brands = new Map<string, number>();
  const purchases = new Map<string, number>();
  let priceSum = 0;
  let rangeSum = 0;
  for (const h of window) {
    cats.set(h.category, (cats.get(h.category) ?? 0) + 1);
    if (h.brand != null) brands.set(h.brand, (brands.get(h.brand) ?? 0) + 1);
    if (h.type === 'PURCHASE') purchases.set(h.productId, (purchases.get(h.productId) ?? 0) + 1);
    priceSum += Number(h.price);
    rangeSum += Number(h.priceRange);
  }
  const meanPrice = n ? priceSum / n : 0;
  const meanRange = n ? rangeSum / n : 0;

  const t = ctx.time.getTime();
  const halfLife = ctx.popularityHalfLifeDays || RANK_POPULARITY_HALF_LIFE_DAYS;
  const decay = Math.pow(2, -(t - EPOCH_MS) / (halfLife * DAY_MS));
  const hour = Math.floor(t / HOUR_MS) % 24;
  const hourSin = Math.sin((2 * Math.PI * hour) / 24);
  const hourCos = Math.cos((2 * Math.PI * hour) / 24);
  const mobile = ctx.device != null && MOBILE_DEVICES.includes(ctx.device.toLowerCase()) ? 1 : 0;

  candidates.forEach((c, j) => {
    const price = Number(c.price);
    const row = j * width;
    out[row + COL.tower_score] = c.towerScore;
    if (n) {
      out[row + COL.cat_affinity] = (cats.get(c.category) ?? 0) / n;
      out[row + COL.brand_affinity] = c.brand != null ? (brands.get(c.brand) ?? 0) / n : 0;
      out[row + COL.price_ratio] = Math.log((price + 1) / (meanPrice + 1));
      out[row + COL.price_range_diff] = Number(c.priceRange) - meanRange;
    }
    out[row + COL.popularity] = Math.log1p(Math.max(0, Number(c.popularity) * decay));
    out[row + COL.recency] = Math.log1p(Math.max(0, (t - c.createdAt.getTime()) / DAY_MS));
    out[row + COL.repeat] = Math.log1p(purchases.get(c.productId) ?? 0);
    out[row + COL.hour_sin] = hourSin;
    out[row + COL.hour_cos] = hourCos;
    out[row + COL.device_mobile] = mobile;
    out[row + COL.fav_category] = user.favouriteCategories.includes(c.category) ? 1 : 0;
    out[row + COL.fav_brand] = c.brand != null && user.favouriteBrands.includes(c.brand) ? 1 : 0;
  });
  return out;
}
