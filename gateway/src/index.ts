import { applyGcSettings, loadConfig } from '@souk/config';
import { startGateway } from './server';

// `tsx gateway/src/index.ts`: the gateway process. Subgraph addresses come from the configuration.
(async () => {
  const config = loadConfig();
  const gcWarning = applyGcSettings(config.gc);
  if (gcWarning) console.log(JSON.stringify({ level: 'warn', msg: gcWarning }));
  const gateway = await startGateway({
    port: config.ports.gateway,
    host: '0.0.0.0',
    logLevel: config.logLevel,
    subgraphUrls: config.subgraphUrls,
    queryPlanner: config.gatewayQueryPlanner,
  });
  console.log(JSON.stringify({ level: 'info', msg: 'gateway ready', url: gateway.url }));
  const shutdown = () => void gateway.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
