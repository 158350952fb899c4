import { createHash } from 'node:crypto';
import type { FairnessConfig } from './pipeline/fairness';

// A/B testing: users are assigned to variants deterministically (a hash of experiment and user,
// so the same user always sees the same variant, on every instance, without storing anything).
// A variant is a set of pipeline settings; model versions join them once several can be served.

export interface Variant {
  name: string;
  /** Share of users, relative to the other variants' weights. */
  weight: number;
  /** Overrides of the stage-3 settings for this variant. */
  fairness?: Partial<FairnessConfig>;
}

export interface Experiment {
  name: string;
  variants: Variant[];
}

export const NO_EXPERIMENT: Experiment = { name: 'none', variants: [{ name: 'control', weight: 1 }] };

/** The user's variant: stable for (experiment, user), proportional to the weights. */
export function assignVariant(experiment: Experiment, userId: string): Variant {
  const total = experiment.variants.reduce((s, v) => s + v.weight, 0);
  // 52 bits of a SHA-256: uniform enough, and exact in a JS number.
  const h = createHash('sha256').update(`${experiment.name}\u0000${userId}`).digest();
  const u = (h.readUIntBE(0, 6) * 2 ** -48) * total;
  let acc = 0;
  for (const v of experiment.variants) {
    acc += v.weight;
    if (u < acc) return v;
  }
  return experiment.variants[experiment.variants.length - 1];
}
