// Integer shares that add up exactly: the requested sizes are exact row counts, not approximations.

/** Splits `total` into integer shares proportional to weights that add up to exactly `total`. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares: number[] = [];
  let cumulative = 0;
  let given = 0;
  for (const w of weights) {
    cumulative += w;
    const upTo = sum > 0 ? Math.round((total * cumulative) / sum) : 0;
    shares.push(upTo - given);
    given = upTo;
  }
  return shares;
}
