import { applyGcSettings, loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { createLogger } from '@souk/log';
import { startSubgraph } from '@souk/subgraph-kit';
import { buildUsersSubgraph } from './server';

// Standalone process: `tsx subgraphs/users/src/index.ts` (docker runs one per subgraph).
(async () => {
    const config = loadConfig();
    const gcWarning = applyGcSettings(config.gc);
    const logger = createLogger('users', config.logLevel);
    if (gcWarning) logger.warn(gcWarning);
    const db = await openDb(config);
    await startSubgraph({ ...buildUsersSubgraph({ db }), logger, port: config.ports.users, host: '0.0.0.0' });
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
