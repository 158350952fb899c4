import { applyGcSettings, loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { createLogger } from '@souk/log';
import { openEventBus, openFeatureCache } from '@souk/realtime';
import { startSubgraph } from '@souk/subgraph-kit';
import { buildInteractionsSubgraph } from './server';

// Standalone process (docker runs one per subgraph). Cross-process events need REDIS_URL.
(async () => {
  const config = loadConfig();
  const gcWarning = applyGcSettings(config.gc);
  const logger = createLogger('interactions', config.logLevel);
  if (gcWarning) logger.warn(gcWarning);
  const db = await openDb(config);
  const bus = openEventBus(config);
  const subgraph = buildInteractionsSubgraph({ db, bus, maxBatch: config.limits.interactionBatch, popularityHalfLifeDays: config.popularityHalfLifeDays, features: openFeatureCache(config, 'own-process') });
  await startSubgraph({ ...subgraph, logger, port: config.ports.interactions, host: '0.0.0.0' });
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
