import { applyGcSettings, loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { createLogger } from '@souk/log';
import { openAvailabilityStore, openEventBus } from '@souk/realtime';
import { startSubgraph } from '@souk/subgraph-kit';
import { buildCatalogSubgraph } from './server';

// Standalone process: `tsx subgraphs/catalog/src/index.ts` (docker runs one per subgraph).
if (require.main === module) {
  (async () => {
    const config = loadConfig();
    const gcWarning = applyGcSettings(config.gc);
    const logger = createLogger('catalog', config.logLevel);
    if (gcWarning) logger.warn(gcWarning);
    const db = await openDb(config);
    const bus = openEventBus(config);
    // The writer of availability rebuilds it from the database on start-up (Redis with REDIS_URL).
    const availability = openAvailabilityStore(config, db, 'own-process');
    await availability.warm(db);
    await startSubgraph({ ...buildCatalogSubgraph({ db, bus, availability }), logger, port: config.ports.catalog, host: '0.0.0.0' });
  })().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
