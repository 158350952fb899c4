import { NotFoundError } from '@souk/errors';
import type { Logger } from '@souk/log';
import { countFallback, countServed, isWarmUpRequestId, stageTimer } from '@souk/observability';
import { assignVariant, type Experiment } from './experiments';
import type { ImpressionLog } from './impressions';
import type { CandidateFeatureSource } from './pipeline/candidate-features';
import { rerankFairly, type FairnessCandidate, type FairnessConfig } from './pipeline/fairness';
import { overFetch, type AvailabilityFilter } from './pipeline/filter';
import type { FallbackChain } from './recommenders/chain';
import type { Candidate, RecommendationRequest } from './recommenders/types';

export interface RecommendationItem {
  productId: string;
  /** Served with the list (schema: @provides), read when the list was ranked. */
  title: string;
  price: number;
  score: number;
  reason: string;
  rank: number;
}

export interface RecommendationList {
  userId: string;
  items: RecommendationItem[];
  modelVersion: string;
  path: string;
  /** The A/B variant the user is assigned to. */
  variant: string;
  generatedAt: string;
}

// Diversity needs choice: the recommenders rank a few times more than will be served.
const POOL_FACTOR = 3;
const MAX_POOL = 200;

export class RecommendationService {
  constructor(
    private readonly chain: FallbackChain,
    /** Every list, from whichever recommender, passes through it before it is served. */
    private readonly filter: AvailabilityFilter,
    private readonly features: CandidateFeatureSource,
    private readonly fairness: FairnessConfig,
    private readonly logger: Logger,
    private readonly experiment: Experiment,
    /** Where every served list is logged, with its variant. */
    private readonly impressions: ImpressionLog,
  ) {}

  /** `requestId` ties the served list to the request's logs and to its impression rows. */
  async recommend(req: RecommendationRequest, requestId = 'internal'): Promise<RecommendationList> {
    const variant = assignVariant(this.experiment, req.userId);
    const fairness = variant.fairness ? { ...this.fairness, ...variant.fairness } : this.fairness;
    if (req.businessId && !(await this.features.hasBusiness(req.businessId))) throw new NotFoundError('business', req.businessId);
    const pool = Math.min(MAX_POOL, Math.max(overFetch(req.limit), req.limit * POOL_FACTOR));
    const { candidates: ranked, path, modelVersion } = await this.chain.recommend({ ...req, limit: pool });
    const fair = await this.fairAndDiverse(ranked, overFetch(req.limit), fairness);
    const available = await this.filter.apply(fair);
    // Title and price go out with the list. Stage 3 gave every candidate its facts, so this is no
    // query unless that stage failed over to a list from a recommender that had none.
    const candidates = await this.features.describe(available);
    const servedAt = new Date();
    const items = candidates.slice(0, req.limit).map((c, i) => ({ productId: c.productId, title: c.title, price: c.price, score: c.score, reason: c.reason, rank: i + 1 }));
    // A start-up warm-up request is no one's list: neither an impression nor a served list.
    if (!isWarmUpRequestId(requestId)) {
      countServed(path, modelVersion);
      this.impressions.record(
        items.map((item) => ({
          requestId, userId: req.userId, productId: item.productId, rank: item.rank,
          experiment: this.experiment.name, variant: variant.name, modelVersion, path, servedAt,
        })),
      );
    }
    return { userId: req.userId, items, modelVersion, path, variant: variant.name, generatedAt: servedAt.toISOString() };
  }

  /** Stage 3 over the recommenders' order; if it fails, the list keeps that order. */
  private async fairAndDiverse(ranked: Candidate[], take: number, fairness: FairnessConfig): Promise<Candidate[]> {
    if (ranked.length === 0) return ranked;
    const done = stageTimer('fairness');
    try {
      const features = await this.features.load(ranked);
      // Spelled out, not `{ ...c, ...f }`: V8 made the spread of two objects a dictionary-mode
      // object of ~2 KB, the largest allocation of a request in a heap profile.
      const known: (Candidate & FairnessCandidate)[] = [];
      for (const c of ranked) {
        const f = features.get(c.productId);
        if (!f) continue;
        known.push({
          productId: c.productId, score: c.score, reason: c.reason, embedding: c.embedding,
          businessId: f.businessId, businessName: f.businessName, category: f.category, title: f.title, price: f.price,
          businessAgeDays: f.businessAgeDays, businessPopularity: f.businessPopularity,
        });
      }
      return rerankFairly(known, take, fairness);
    } catch (err) {
      countFallback('fairness', 'error');
      this.logger.warn({ err: (err as Error).message }, 'fairness stage failed; serving relevance order');
      return ranked.slice(0, take);
    } finally {
      done();
    }
  }
}

/**
 * Two lists differ for a subscriber when their products or their order differ, or when another
 * model made them (a client shows which model served it; a publish pushes even an unchanged list).
 */
export function sameList(a: RecommendationList, b: RecommendationList): boolean {
  return a.modelVersion === b.modelVersion && a.items.length === b.items.length && a.items.every((item, i) => item.productId === b.items[i].productId);
}
