import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RANK_FEATURES, rankFeatures, type RankCandidate, type RankContext, type RankUser } from '../src/pipeline/rank-features';

// The re-ranker is trained on features computed by training/ranker.py; serving must compute the very
// same numbers. The fixture holds inputs and the Python rows (`python -m training.ranker --fixture`).

interface FixtureCase {
  name: string;
  user: RankUser;
  candidates: (Omit<RankCandidate, 'createdAt'> & { createdAt: string })[];
  ctx: { time: string; device: string | null; popularityHalfLifeDays?: number };
  expected: number[][];
}

const fixture: { features: string[]; cases: FixtureCase[] } = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'rank-features.json'), 'utf8'),
);

const inputs = (c: FixtureCase): [RankUser, RankCandidate[], RankContext] => [
  c.user,
  c.candidates.map((x) => ({ ...x, createdAt: new Date(x.createdAt) })),
  { ...c.ctx, time: new Date(c.ctx.time) },
];

describe('re-ranker features', () => {
  it('names the features in the order the Python ranker was trained with', () => {
    expect([...RANK_FEATURES]).toEqual(fixture.features);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('reproduces the Python rows: %s', (_name, c) => {
    const got = rankFeatures(...inputs(c));
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(c.candidates.length * RANK_FEATURES.length);
    c.expected.forEach((row, i) =>
      row.forEach((want, j) => {
        const value = got[i * RANK_FEATURES.length + j];
        if (Math.abs(value - want) > 1e-5) throw new Error(`${c.name}: candidate ${i} ${RANK_FEATURES[j]} = ${value}, Python ${want}`);
      }),
    );
  });

  it('covers the edge cases it is meant to', () => {
    const col = (name: string) => RANK_FEATURES.indexOf(name as (typeof RANK_FEATURES)[number]);
    const rows = (name: string) => fixture.cases.find((c) => c.name === name)!.expected;
    // No history: affinities, price ratio and repeat are 0; a product created after the request has recency 0.
    expect(rows('no history').every((r) => r[col('cat_affinity')] === 0 && r[col('price_ratio')] === 0 && r[col('repeat')] === 0)).toBe(true);
    expect(rows('no history').some((r) => r[col('recency')] === 0)).toBe(true);
    // Only the last 200 positives count: p3 was bought 4 times, once before that window.
    expect(rows('long history')[0][col('repeat')]).toBeCloseTo(Math.log1p(3), 6);
    expect(rows('only non-positive events').every((r) => r[col('cat_affinity')] === 0)).toBe(true);
    expect(rows('unknown device').every((r) => r[col('device_mobile')] === 0)).toBe(true);
    expect(rows('long history').every((r) => r[col('device_mobile')] === 1)).toBe(true);
    // Stated favourites count even without any history.
    expect(rows('no history').some((r) => r[col('fav_category')] === 1 || r[col('fav_brand')] === 1)).toBe(true);
  });

  it('does not read its inputs beyond what it is given (pure, empty candidates)', () => {
    const c = fixture.cases[1];
    const [user, , ctx] = inputs(c);
    expect(rankFeatures(user, [], ctx)).toEqual(new Float32Array(0));
  });
});
