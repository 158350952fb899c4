import { DEFAULT_FAIRNESS, RELEVANCE_ONLY, rerankFairly, type FairnessCandidate, type FairnessConfig } from '../src/pipeline/fairness';

// 12 candidates from one big old business in one category, ranked above 4 from small or new ones.
function candidates(): FairnessCandidate[] {
  const big = Array.from({ length: 12 }, (_, i) => ({
    productId: `big-${i}`, score: 1 - i * 0.01, reason: 'Popular in dairy', businessId: 'big', businessName: 'Big Mart',
    category: i < 8 ? 'dairy' : 'bakery', businessAgeDays: 400, businessPopularity: 1,
  }));
  const small = [
    { productId: 'small-0', score: 0.7, reason: 'Popular in produce', businessId: 'small', businessName: 'Corner Shop', category: 'produce', businessAgeDays: 300, businessPopularity: 0 },
    { productId: 'new-0', score: 0.6, reason: 'Popular in snacks', businessId: 'new', businessName: 'Fresh Start', category: 'snacks', businessAgeDays: 3, businessPopularity: 0.2 },
    { productId: 'new-1', score: 0.5, reason: 'Popular in snacks', businessId: 'new', businessName: 'Fresh Start', category: 'snacks', businessAgeDays: 3, businessPopularity: 0.2 },
    { productId: 'mid-0', score: 0.4, reason: 'Popular in drinks', businessId: 'mid', businessName: 'Mid Market', category: 'drinks', businessAgeDays: 200, businessPopularity: 0.5 },
  ];
  return [...big, ...small];
}

const count = (list: FairnessCandidate[], key: (c: FairnessCandidate) => string) => {
  const m = new Map<string, number>();
  for (const c of list) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
  return Math.max(...m.values());
};

describe('fairness and diversity stage', () => {
  it('relevance-only keeps the input order', () => {
    expect(rerankFairly(candidates(), 10, RELEVANCE_ONLY).map((c) => c.productId)).toEqual(candidates().slice(0, 10).map((c) => c.productId));
  });

  it('caps any one business and any one category in the top N', () => {
    // 7 = 3 from the big business + the 4 others: enough choice for the caps to hold.
    const top = rerankFairly(candidates(), 7, DEFAULT_FAIRNESS);
    expect(top).toHaveLength(7);
    expect(count(top, (c) => c.businessId)).toBeLessThanOrEqual(DEFAULT_FAIRNESS.maxPerBusiness);
    expect(count(top, (c) => c.category)).toBeLessThanOrEqual(DEFAULT_FAIRNESS.maxPerCategory);
  });

  it('boosts new and small businesses, and says why for a new one', () => {
    const cfg: FairnessConfig = { ...RELEVANCE_ONLY, newBusinessDays: 30, newBusinessBoost: 0.5, smallBusinessBoost: 0.3 };
    const top = rerankFairly(candidates(), 16, cfg);
    const rank = (id: string) => top.findIndex((c) => c.productId === id);
    // 0.7 * 1.3 = 0.91 for the least popular business lifts it above big-9 (0.91 * 1.0 = 0.91 ties lose to the earlier pick).
    expect(rank('small-0')).toBeLessThan(rank('big-10'));
    // 0.6 * (1 + 0.5 + 0.24) = 1.044: a new business's best product rises to the very top.
    expect(top[0].productId).toBe('new-0');
    expect(top[0].reason).toBe('New on Souk: Fresh Start');
    expect(top.find((c) => c.productId === 'big-0')!.reason).toBe('Popular in dairy');
  });

  it('fills the list past the caps when nothing else is left (a store page)', () => {
    const onlyBig = candidates().slice(0, 12);
    expect(rerankFairly(onlyBig, 10, DEFAULT_FAIRNESS)).toHaveLength(10);
  });

  it('prefers a dissimilar item over a near-duplicate of equal relevance (MMR over embeddings)', () => {
    const e = (...v: number[]) => Float32Array.from(v);
    const base = { reason: 'r', businessName: 'B', category: 'c', businessAgeDays: 400, businessPopularity: 1 };
    const items: FairnessCandidate[] = [
      { ...base, productId: 'a', score: 1, businessId: 'b1', embedding: e(1, 0) },
      { ...base, productId: 'a-twin', score: 0.95, businessId: 'b2', embedding: e(1, 0) },
      { ...base, productId: 'other', score: 0.9, businessId: 'b3', embedding: e(0, 1) },
    ];
    const cfg = { ...RELEVANCE_ONLY, mmrLambda: 0.7 };
    expect(rerankFairly(items, 3, cfg).map((c) => c.productId)).toEqual(['a', 'other', 'a-twin']);
  });
});
