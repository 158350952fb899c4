import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { SoukConfig } from '@souk/config';
import type { Db } from '@souk/db';
import type { Logger } from '@souk/log';
import { PostgresAvailability, type AvailabilityStore, type EventBus, type FeatureCache } from '@souk/realtime';
import { loadTypeDefs } from '@souk/subgraph-kit';
import { createContext, type RecommendationsContext } from './context';
import { RequestFeatures } from './features/request-features';
import { UserFeatureSource } from './features/user-features';
import { LiveHub } from './live';
import { NO_EXPERIMENT, type Experiment } from './experiments';
import { ImpressionLog } from './impressions';
import { ItemEmbedder } from './model/item-embedder';
import { ModelHolder } from './model/live-model';
import { CandidateFeatureSource } from './pipeline/candidate-features';
import { DEFAULT_FAIRNESS, type FairnessConfig } from './pipeline/fairness';
import { CandidateVectors } from './pipeline/candidate-vectors';
import { ProductFactsCache } from './pipeline/product-facts';
import { AvailabilityFilter } from './pipeline/filter';
import { FallbackChain } from './recommenders/chain';
import { PopularPool } from './recommenders/popular-pool';
import { BackgroundLane } from './background';
import { PopularityRecommender } from './recommenders/popularity';
import { ProfileRecommender } from './recommenders/profile';
import { TwoTowerRecommender, type TwoTowerOptions } from './recommenders/two-tower';
import { resolvers } from './resolvers';
import { RecommendationService } from './service';

export { DEFAULT_FAIRNESS, RELEVANCE_ONLY } from './pipeline/fairness';
export type { FairnessConfig } from './pipeline/fairness';
export type { Experiment, Variant } from './experiments';
export { measureIndexRecall, type IndexRecall } from './model/index-recall';
export { ModelHolder, type LiveModel } from './model/live-model';
export { ItemEmbedder } from './model/item-embedder';

export const typeDefs = loadTypeDefs(join(__dirname, '..', 'schema.graphql'));

export interface RecommendationsOptions {
  db: Db;
  bus: EventBus;
  logger: Logger;
  maxLimit: number;
  pushDebounceMs: number;
  /**
   * Stock and open businesses as the catalog last wrote them (Redis, or the launcher's shared
   * in-process store). Without one, every list is checked against PostgreSQL directly.
   */
  availability?: AvailabilityStore;
  /** Boosts for new and small businesses, caps per business and category, MMR weight. */
  fairness?: FairnessConfig;
  /** The running A/B experiment; without one every user is in "control". */
  experiment?: Experiment;
  /** Per-user serving features, invalidated by the interactions subgraph; null: always read PostgreSQL. */
  featureCache?: FeatureCache | null;
  /** Stage 1/2 settings (config.retrieval). */
  retrieval?: Partial<TwoTowerOptions> & { modelPollMs?: number };
}

const DEFAULT_RETRIEVAL: TwoTowerOptions & { modelPollMs: number } = {
  candidates: 200, efSearch: 400, probes: 20, probesUnfiltered: 14, retrievalBudgetMs: 150, rerankBudgetMs: 20, popularityHalfLifeDays: 14, modelPollMs: 2000,
};
/** Stage 1/2 settings from the validated config. */
export function retrievalFromConfig(config: SoukConfig): TwoTowerOptions & { modelPollMs: number } {
  const r = config.retrieval;
  return {
    candidates: r.candidates, efSearch: r.efSearch, probes: r.probes, probesUnfiltered: r.probesUnfiltered, retrievalBudgetMs: r.budgetMs, rerankBudgetMs: r.rerankBudgetMs,
    modelPollMs: r.modelPollMs, popularityHalfLifeDays: config.popularityHalfLifeDays,
  };
}

// item_embeddings_v<N>.embedding is vector(128): a model of another width cannot be published.
const EMBEDDING_DIM = 128;

/** Builds the recommendations subgraph; call start() before serving subscriptions and stop() after. */
export function buildRecommendationsSubgraph(opts: RecommendationsOptions) {
  // Cold users with stated preferences get the profile path; users with history get the two-tower
  // pipeline once a model is live; anyone either cannot serve (or while they fail) gets popularity.
  const retrieval = { ...DEFAULT_RETRIEVAL, ...opts.retrieval };
  // One lane for the subgraph's background refreshes: popular pools, business facts, the embedding sweep (background.ts).
  const lane = new BackgroundLane();
  const models = new ModelHolder(opts.db, new ItemEmbedder(opts.db), opts.logger, { pollMs: retrieval.modelPollMs, dim: EMBEDDING_DIM, lane });
  const userFeatures = new RequestFeatures(new UserFeatureSource(opts.db, opts.featureCache ?? null));
  const productFacts = new ProductFactsCache(opts.db);
  const candidateVectors = new CandidateVectors(opts.db);
  const twoTower = new TwoTowerRecommender(opts.db, models, userFeatures, opts.logger, retrieval, productFacts, candidateVectors);
  const popular = new PopularPool(opts.db, undefined, lane);
  const profile = new ProfileRecommender(opts.db, popular, models, userFeatures, retrieval.retrievalBudgetMs);
  const chain = new FallbackChain([profile, twoTower, new PopularityRecommender(opts.db, popular)], opts.logger);
  const fallback = new PostgresAvailability(opts.db);
  const filter = new AvailabilityFilter({ store: opts.availability ?? fallback, fallback, db: opts.db, logger: opts.logger });
  const impressions = new ImpressionLog(opts.db, opts.logger);
  const candidateFeatures = new CandidateFeatureSource(opts.db, undefined, lane);
  const service = new RecommendationService(
    chain, filter, candidateFeatures, opts.fairness ?? DEFAULT_FAIRNESS, opts.logger,
    opts.experiment ?? NO_EXPERIMENT, impressions,
  );
  const hub = new LiveHub(opts.bus, opts.pushDebounceMs, opts.logger);
  models.onSwap(() => hub.refreshAll());
  let unsubscribe: (() => Promise<void>)[] = [];
  const deps = { db: opts.db, service, hub, maxLimit: opts.maxLimit };
  return {
    name: 'recommendations',
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<RecommendationsContext> }]),
    context: () => createContext(deps),
    service,
    filter,
    models,
    productFacts,
    start: async () => {
      // New products get their vector from the live product tower before subscribers recompute.
      // A created product has no popularity yet, so it is in no pool: its stock event decides.
      for (const topic of ['business.changed', 'product.changed'] as const) {
        unsubscribe.push(await opts.bus.subscribe(topic, () => popular.invalidate()));
      }
      unsubscribe.push(await opts.bus.subscribe('stock.changed', (e) => popular.stockChanged(e.productIds)));
      unsubscribe.push(await opts.bus.subscribe('business.changed', (e) => candidateFeatures.forget(e.businessIds)));
      unsubscribe.push(await opts.bus.subscribe('product.changed', (e) => {
        productFacts.forget(e.productIds);
        candidateVectors.forget(e.productIds);
      }));
      unsubscribe.push(await opts.bus.subscribe('product.created', (e) => {
        models
          .embedProducts(e.productIds)
          .then(() => hub.refreshAll())
          .catch((err: Error) => opts.logger.warn({ err: err.message }, 'embedding new products failed; the sweep retries'));
      }));
      await models.start();
      await hub.start();
    },
    impressions,
    stop: async () => {
      await Promise.all(unsubscribe.map((u) => u()));
      unsubscribe = [];
      await models.stop();
      await hub.stop();
      await impressions.flush();
    },
  };
}
