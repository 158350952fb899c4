import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { SoukConfig } from '@souk/config';
import { migrate, openDb, PgliteDb, type Db } from '@souk/db';
import { startGateway, type RunningGateway } from '@souk/gateway';
import type { Logger } from '@souk/log';
import { openAvailabilityStore, openEventBus, openFeatureCache, type AvailabilityStore, type EventBus } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { buildCatalogSubgraph } from '@souk/subgraph-catalog';
import { buildInteractionsSubgraph } from '@souk/subgraph-interactions';
import { buildRecommendationsSubgraph, DEFAULT_FAIRNESS, retrievalFromConfig } from '@souk/subgraph-recommendations';
import { buildUsersSubgraph } from '@souk/subgraph-users';
import { warmUpGateway } from './warm-up';

// Runs every subgraph in one process over one database handle and one event bus. This is how the
// embedded default works: PGlite is a single in-process connection and the in-process event bus
// reaches only this process. With DATABASE_URL and REDIS_URL each subgraph can instead run as its
// own process (subgraphs/*/src/index.ts), as docker/compose.yaml does.

export interface Stack {
  db: Db;
  bus: EventBus;
  availability: AvailabilityStore;
  subgraphs: Record<string, RunningSubgraph>;
  gateway?: RunningGateway;
  /** The embedded database's Postgres wire-protocol address, when it is served. */
  pgliteUrl?: string;
  stop(): Promise<void>;
}

export async function startStack(config: SoukConfig, logger: Logger, options: { gateway: boolean; db?: Db }): Promise<Stack> {
  const db = options.db ?? (await openDb(config));
  await migrate(db);
  const bus = openEventBus(config);
  // One store for catalog (writer) and recommendations (reader): in-process maps on the embedded
  // default, Redis keys shared with every other process otherwise. Rebuilt from the database here.
  const availability = openAvailabilityStore(config, db, 'one-process');
  // Serving's per-user features: invalidated by interactions, read by recommendations.
  const featureCache = openFeatureCache(config, 'one-process');
  const warmed = await availability.warm(db);
  logger.debug(warmed, 'availability store warmed');

  let socket: PGLiteSocketServer | undefined;
  let pgliteUrl: string | undefined;
  if (db instanceof PgliteDb && config.ports.pgliteSocket) {
    // Lets psql and the Python trainer read the embedded database while Souk runs.
    socket = new PGLiteSocketServer({ db: db.pglite, port: config.ports.pgliteSocket, host: '127.0.0.1', maxConnections: 8 });
    await socket.start();
    pgliteUrl = `postgresql://postgres@127.0.0.1:${config.ports.pgliteSocket}/postgres`;
  }

  const recommendations = buildRecommendationsSubgraph({
    db, bus, logger: logger.child({ subgraph: 'recommendations' }), maxLimit: config.limits.recommendations, pushDebounceMs: config.pushDebounceMs, availability,
    fairness: { ...DEFAULT_FAIRNESS, ...config.fairness },
    experiment: config.experiment,
    featureCache,
    retrieval: retrievalFromConfig(config),
  });
  await recommendations.start();
  const defs = [
    { ...buildUsersSubgraph({ db }), port: config.ports.users },
    { ...buildCatalogSubgraph({ db, bus, availability }), port: config.ports.catalog },
    {
      ...buildInteractionsSubgraph({ db, bus, maxBatch: config.limits.interactionBatch, popularityHalfLifeDays: config.popularityHalfLifeDays, features: featureCache }),
      port: config.ports.interactions,
    },
    { ...recommendations, port: config.ports.recommendations },
  ];
  const subgraphs: Record<string, RunningSubgraph> = {};
  for (const d of defs) {
    subgraphs[d.name] = await startSubgraph({ name: d.name, schema: d.schema, context: d.context as () => object, logger: logger.child({ subgraph: d.name }), port: d.port, host: config.subgraphHost });
  }

  let gateway: RunningGateway | undefined;
  if (options.gateway) {
    gateway = await startGateway({
      port: config.ports.gateway,
      host: '0.0.0.0',
      logLevel: config.logLevel,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      queryPlanner: config.gatewayQueryPlanner,
      // Every subgraph is in this process: the gateway hands them operations directly.
      inProcess: config.gatewaySubgraphTransport === 'in-process' ? Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.execute])) : undefined,
      warmUp: config.warmUpRequests > 0 ? (send) => warmUpGateway(send, db, config.warmUpRequests, logger) : undefined,
    });
  }

  return {
    db, bus, availability, subgraphs, gateway, pgliteUrl,
    stop: async () => {
      await gateway?.stop();
      await recommendations.stop();
      for (const s of Object.values(subgraphs)) await s.stop();
      await socket?.stop();
      await bus.close();
      await availability.close();
      await featureCache?.close();
      await db.close();
    },
  };
}
