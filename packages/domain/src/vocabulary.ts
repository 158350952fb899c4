// The marketplace's closed vocabularies, shared by the subgraphs, the importer and the generator.
// They mirror the CHECK constraints in /migrations.

export const VERTICALS = ['RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'] as const;
export type Vertical = (typeof VERTICALS)[number];

export const INTERACTION_TYPES = ['VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE', 'SAVE', 'REVIEW', 'SEARCH', 'IMPRESSION'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export const AGE_GROUPS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const DEVICES = ['ios', 'android', 'web'] as const;

/**
 * How much each interaction says about wanting a product. Impressions and searches say nothing
 * about a specific product's appeal by themselves (an impression not clicked is a weak negative,
 * used by training as a hard negative, not here).
 */
export const INTERACTION_WEIGHTS: Record<InteractionType, number> = {
  VIEW: 1,
  CLICK: 2,
  ADD_TO_CART: 5,
  PURCHASE: 10,
  SAVE: 3,
  REVIEW: 3,
  SEARCH: 0,
  IMPRESSION: 0,
};

export const isVertical = (v: unknown): v is Vertical => typeof v === 'string' && (VERTICALS as readonly string[]).includes(v);
export const isInteractionType = (v: unknown): v is InteractionType =>
  typeof v === 'string' && (INTERACTION_TYPES as readonly string[]).includes(v);
