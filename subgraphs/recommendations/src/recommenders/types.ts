import type { Vertical } from '@souk/domain';

/** A validated request: what every recommender receives. */
export interface RecommendationRequest {
  userId: string;
  vertical: Vertical | null;
  businessId: string | null;
  cart: string[];
  limit: number;
  time: Date;
  device: string | null;
  sessionId: string | null;
  location: { lat: number; lon: number } | null;
}

export interface Candidate {
  productId: string;
  score: number;
  reason: string;
  /** The product's embedding when the recommender has one (two-tower): Stage 3's MMR uses it. */
  embedding?: Float32Array;
  /**
   * The product's facts when the recommender read them anyway (two-tower retrieval, the popular
   * pool): Stage 3 then needs no query, and title and price go out with the list (the schema's
   * @provides), so the gateway need not ask the catalog for them.
   */
  businessId?: string;
  category?: string;
  title?: string;
  price?: number;
}

/**
 * A named strategy. Recommenders are tried in a fallback chain (recommenders/chain.ts): the
 * popularity one today; the staged two-tower pipeline slots in ahead of it.
 */
export interface Recommender {
  readonly name: string;
  readonly modelVersion: string;
  /** Ranked candidates; `null` when this strategy does not apply to the request at all. */
  recommend(req: RecommendationRequest): Promise<Candidate[] | null>;
}
