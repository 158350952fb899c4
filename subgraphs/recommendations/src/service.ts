import type { Db } from '@souk/db';
import { NotFoundError } from '@souk/errors';
import { countServed } from '@souk/observability';
import type { FallbackChain } from './recommenders/chain';
import { overFetch, type AvailabilityFilter } from './pipeline/filter';
import type { RecommendationRequest } from './recommenders/types';

export interface RecommendationItem {
  productId: string;
  score: number;
  reason: string;
  rank: number;
}

export interface RecommendationList {
  userId: string;
  items: RecommendationItem[];
  modelVersion: string;
  path: string;
  generatedAt: string;
}

export class RecommendationService {
  constructor(
    private readonly db: Db,
    private readonly chain: FallbackChain,
    /** Every list, from whichever recommender, passes through it before it is served. */
    private readonly filter: AvailabilityFilter,
  ) {}

  async recommend(req: RecommendationRequest): Promise<RecommendationList> {
    if (req.businessId) {
      const rows = await this.db.query('SELECT 1 FROM businesses WHERE id = $1', [req.businessId]);
      if (rows.length === 0) throw new NotFoundError('business', req.businessId);
    }
    const { candidates: ranked, path, modelVersion } = await this.chain.recommend({ ...req, limit: overFetch(req.limit) });
    const candidates = await this.filter.apply(ranked);
    countServed(path, modelVersion);
    return {
      userId: req.userId,
      items: candidates.slice(0, req.limit).map((c, i) => ({ ...c, rank: i + 1 })),
      modelVersion,
      path,
      generatedAt: new Date().toISOString(),
    };
  }
}

/** Two lists differ for a subscriber when their products or their order differ. */
export function sameList(a: RecommendationList, b: RecommendationList): boolean {
  return a.items.length === b.items.length && a.items.every((item, i) => item.productId === b.items[i].productId);
}
