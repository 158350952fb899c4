import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Db } from '@souk/db';
import type { Logger } from '@souk/log';
import { PostgresAvailability, type AvailabilityStore, type EventBus } from '@souk/realtime';
import { loadTypeDefs } from '@souk/subgraph-kit';
import { createContext, type RecommendationsContext } from './context';
import { LiveHub } from './live';
import { NO_EXPERIMENT, type Experiment } from './experiments';
import { ImpressionLog } from './impressions';
import { CandidateFeatureSource } from './pipeline/candidate-features';
import { DEFAULT_FAIRNESS, type FairnessConfig } from './pipeline/fairness';
import { AvailabilityFilter } from './pipeline/filter';
import { FallbackChain } from './recommenders/chain';
import { PopularityRecommender } from './recommenders/popularity';
import { ProfileRecommender } from './recommenders/profile';
import { resolvers } from './resolvers';
import { RecommendationService } from './service';

export { DEFAULT_FAIRNESS, RELEVANCE_ONLY } from './pipeline/fairness';
export type { FairnessConfig } from './pipeline/fairness';
export type { Experiment, Variant } from './experiments';

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
}

/** Builds the recommendations subgraph; call start() before serving subscriptions and stop() after. */
export function buildRecommendationsSubgraph(opts: RecommendationsOptions) {
  // Cold users with stated preferences get the profile path; everyone else, and anyone the profile
  // path cannot serve, gets popularity. The two-tower pipeline slots in first once a model is live.
  const chain = new FallbackChain([new ProfileRecommender(opts.db), new PopularityRecommender(opts.db)], opts.logger);
  const fallback = new PostgresAvailability(opts.db);
  const filter = new AvailabilityFilter({ store: opts.availability ?? fallback, fallback, db: opts.db, logger: opts.logger });
  const impressions = new ImpressionLog(opts.db, opts.logger);
  const service = new RecommendationService(
    opts.db, chain, filter, new CandidateFeatureSource(opts.db), opts.fairness ?? DEFAULT_FAIRNESS, opts.logger,
    opts.experiment ?? NO_EXPERIMENT, impressions,
  );
  const hub = new LiveHub(opts.bus, opts.pushDebounceMs, opts.logger);
  const deps = { db: opts.db, service, hub, maxLimit: opts.maxLimit };
  return {
    name: 'recommendations',
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<RecommendationsContext> }]),
    context: () => createContext(deps),
    service,
    filter,
    start: () => hub.start(),
    impressions,
    stop: async () => {
      await hub.stop();
      await impressions.flush();
    },
  };
}
