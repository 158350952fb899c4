import { applyGcSettings, loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { createLogger } from '@souk/log';
import { openAvailabilityStore, openEventBus, openFeatureCache } from '@souk/realtime';
import { startSubgraph } from '@souk/subgraph-kit';
import { DEFAULT_FAIRNESS } from './pipeline/fairness';
import { buildRecommendationsSubgraph, retrievalFromConfig } from './server';

// Standalone process (docker runs one per subgraph). Live updates across processes need REDIS_URL.
(async () => {
  const config = loadConfig();
  const gcWarning = applyGcSettings(config.gc);
  const logger = createLogger('recommendations', config.logLevel);
  if (gcWarning) logger.warn(gcWarning);
  const db = await openDb(config);
  const bus = openEventBus(config);
  // Redis with REDIS_URL (warmed by the catalog; re-warmed by the filter if found empty), else
  // PostgreSQL itself: no process here could keep an in-process copy current.
  const availability = openAvailabilityStore(config, db, 'own-process');
  const subgraph = buildRecommendationsSubgraph({
    db, bus, logger, maxLimit: config.limits.recommendations, pushDebounceMs: config.pushDebounceMs, availability,
    fairness: { ...DEFAULT_FAIRNESS, ...config.fairness },
    experiment: config.experiment,
    featureCache: openFeatureCache(config, 'own-process'),
    retrieval: retrievalFromConfig(config),
  });
  await subgraph.start();
  await startSubgraph({ ...subgraph, logger, port: config.ports.recommendations, host: '0.0.0.0' });
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
