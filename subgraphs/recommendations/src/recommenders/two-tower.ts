import type { Db } from '@souk/db';
import type { Logger } from '@souk/log';
import { countFallback, stageTimer } from '@souk/observability';
import type { RequestFeatures } from '../features/request-features';
import type { UserFeatures } from '../features/user-features';
import { userFeeds } from '../features/user-inputs';
import type { LiveModel, ModelHolder } from '../model/live-model';
import { withBudget } from '../pipeline/budget';
import { rankFeatures } from '../pipeline/rank-features';
import { reasonFor } from '../pipeline/reasons';
import type { ProductFactsCache } from '../pipeline/product-facts';
import type { CandidateVectors } from '../pipeline/candidate-vectors';
import { retrieve, type Retrieved } from '../pipeline/retrieval';
import type { Candidate, RecommendationRequest, Recommender } from './types';

const CART_WINDOW_MS = 24 * 3_600_000;

/** Products the user put in their cart in the last day and has not bought since: not recommended again. */
function inCart(history: readonly UserFeatures['history'][number][], now: Date): string[] {
  const added = new Map<string, number>();
  for (const h of history) {
    if (h.type === 'ADD_TO_CART') added.set(h.productId, h.at);
    else if (h.type === 'PURCHASE') added.delete(h.productId);
  }
  return [...added].filter(([, at]) => now.getTime() - at < CART_WINDOW_MS).map(([id]) => id);
}

export interface TwoTowerOptions {
  candidates: number;
  efSearch: number;
  probes: number;
  probesUnfiltered: number;
  retrievalBudgetMs: number;
  rerankBudgetMs: number;
  popularityHalfLifeDays: number;
}

/**
 * Stages 1 and 2: embed the user with the live user tower, take ~200 neighbours from pgvector,
 * re-rank them with the live ranker. Not applicable (null) while no model is live or for a user
 * Souk does not know, so those requests go on down the chain to the profile and popularity paths.
 * Retrieval past its budget fails the recommender (the chain falls back); a re-ranker that fails
 * or runs late leaves the retrieval order.
 */
export class TwoTowerRecommender implements Recommender {
  readonly name = 'two-tower';

  constructor(
    private readonly db: Db,
    private readonly models: ModelHolder,
    private readonly features: RequestFeatures,
    private readonly logger: Logger,
    private readonly opts: TwoTowerOptions,
    private readonly facts: ProductFactsCache,
    private readonly candidateVectors: CandidateVectors,
  ) {}

  get modelVersion(): string {
    return this.models.current ? `two-tower-v${this.models.current.version}` : 'none';
  }

  async recommend(req: RecommendationRequest): Promise<Candidate[] | null> {
    // One read: the whole request uses this version's towers and table, whatever swaps meanwhile.
    const model = this.models.current;
    if (!model) return null;
    const stage1 = await withBudget('retrieval', this.opts.retrievalBudgetMs, this.retrieve(model, req));
    if (!stage1) return null;
    const { user, candidates } = stage1;
    const cart = new Set([...req.cart, ...inCart(user?.history ?? [], req.time)]);
    const fresh = candidates.filter((c) => !cart.has(c.productId));
    const scores = await this.rerank(model, user, fresh, req);
    // Candidates are built for the served slice only: the other ~150 were ranked, not served.
    const order = fresh.map((_, i) => i);
    if (scores) order.sort((p, q) => scores[q] - scores[p]);
    const kept = order.slice(0, req.limit);
    const vectors = await this.vectors(model, kept.map((i) => fresh[i].productId));
    return kept.map((i) => {
      const c = fresh[i];
      return {
        productId: c.productId, score: scores ? scores[i] : c.towerScore, reason: reasonFor(c, user?.history ?? [], req.time), embedding: vectors.get(c.productId),
        businessId: c.businessId, category: c.category, title: c.title, price: c.price,
      };
    });
  }

  /** The kept candidates' vectors for Stage 3's MMR; without them it measures similarity by attributes. */
  private async vectors(model: LiveModel, productIds: string[]): Promise<Map<string, Float32Array>> {
    const done = stageTimer('embeddings');
    try {
      // Within the re-ranker's budget: late vectors are not worth more than diversity by attributes.
      // A late read still fills the cache for the requests after this one.
      return await withBudget('embeddings', this.opts.rerankBudgetMs, this.candidateVectors.read(model.table, productIds));
    } catch (err) {
      countFallback('embeddings', err instanceof Error && err.name === 'BudgetExceededError' ? 'timeout' : 'error');
      this.logger.warn({ err: (err as Error).message }, 'reading candidate vectors failed; diversity by attributes');
      return new Map();
    } finally {
      done();
    }
  }

  private async retrieve(model: LiveModel, req: RecommendationRequest): Promise<{ user: UserFeatures | null; candidates: Retrieved[] } | null> {
    const done = stageTimer('retrieval');
    try {
      const a = model.artifact;
      const user = await this.features.load(req, model);
      if (!user) return null; // unknown user: the profile and popularity paths answer
      const timeTower = stageTimer('user_tower');
      const [vec] = await a.user.embed(userFeeds(a, user, req.userId, req.cart), 1);
      timeTower();
      const timeIndex = stageTimer('pgvector');
      const candidates = await retrieve(this.db, model.table, vec, { k: this.opts.candidates, efSearch: this.opts.efSearch, probes: this.opts.probes, probesUnfiltered: this.opts.probesUnfiltered, vertical: req.vertical, businessId: req.businessId }, this.facts);
      timeIndex();
      return { user, candidates };
    } finally {
      done();
    }
  }

  /** The ranker's score for each candidate, or null to keep the retrieval order (no ranker, or it failed or ran late). */
  private async rerank(model: LiveModel, user: UserFeatures | null, candidates: Retrieved[], req: RecommendationRequest): Promise<ArrayLike<number> | null> {
    const ranker = model.artifact.ranker;
    if (!ranker || candidates.length === 0) return null;
    const done = stageTimer('rerank');
    try {
      const x = rankFeatures({ history: user?.history ?? [], favouriteCategories: user?.favouriteCategories ?? [], favouriteBrands: user?.favouriteBrands ?? [] }, candidates, { time: req.time, device: req.device, popularityHalfLifeDays: this.opts.popularityHalfLifeDays });
      return await withBudget('rerank', this.opts.rerankBudgetMs, ranker.score(x, candidates.length));
    } catch (err) {
      countFallback('rerank', err instanceof Error && err.name === 'BudgetExceededError' ? 'timeout' : 'error');
      this.logger.warn({ err: (err as Error).message }, 're-ranker failed; serving retrieval order');
      return null;
    } finally {
      done();
    }
  }
}
