import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { formatError } from '@souk/errors';
import type { Logger } from '@souk/log';
import { METRICS_CONTENT_TYPE, REQUEST_ID_HEADER, renderMetrics, requestIdFrom, subgraphMetrics, subscriptionRequestId } from '@souk/observability';
import express from 'express';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { operationPlugin } from './operation-plugin';
import { requestIdMiddleware, withRequestScope, type WithRequestScope } from './request-scope';

// Builds one subgraph's HTTP server: Apollo Server for queries and mutations, graphql-ws on the
// same path for subscriptions (Apollo Server has no subscription transport of its own; the gateway
// is configured to subscribe over WebSocket), /health for readiness probes, and /metrics (the
// whole process's Prometheus metrics: in the embedded default every subgraph port serves the same).
// Every operation's context also carries the request's id and a logger bound to it (ctx.log).

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  /** A fresh context per operation: it holds that request's DataLoaders. */
  context: () => Promise<C> | C;
  logger: Logger;
  port: number;
  host?: string;
  /** Largest accepted request body; batched mutations need more than express's 100 kB default. */
  bodyLimit?: string;
}

/** One GraphQL operation handed to a subgraph in process, as the gateway would have sent it over HTTP. */
export interface InProcessRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The gateway's x-request-id for the client request (a fresh one if unusable). */
  requestId?: string;
}

export interface RunningSubgraph {
  url: string;
  server: Server;
  /**
   * Runs a query or mutation through the same Apollo Server pipeline as /graphql (plugins, request
   * scope, error formatting), minus HTTP: what a gateway in the same process calls instead of
   * sending the operation to its own loopback port. Subscriptions stay on the WebSocket.
   */
  execute(request: InProcessRequest): Promise<ExecutionResult>;
  stop(): Promise<void>;
}

export async function startSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): Promise<RunningSubgraph> {
  const { name, schema, logger } = options;
  const app = express();
  const httpServer = createServer(app);
  // Longer than the gateway's idle keep-alive connections live, so a reused one is never closed
  // under a request (Node's 5 s default races with the gateway's connection pool).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const metrics = subgraphMetrics(name);
  const logged = new WeakSet<object>();
  const wsCleanup = useServer(
    {
      schema,
      // The gateway shares one socket among many client subscriptions, so each subscribe message
      // carries its client request's id in `extensions` (gateway/src/request-id.ts); the upgrade
      // request's header is the fallback for a client that opens its own socket.
      context: async (ctx, _id, payload) =>
        withRequestScope(await options.context(), logger, requestIdFrom(subscriptionRequestId(payload.extensions) ?? ctx.extra.request.headers[REQUEST_ID_HEADER])),
      // One line per subscription, with the request id of the client request that opened it (as
      // operationPlugin writes one per query and mutation).
      onOperation: (_ctx, _id, payload, args) => {
        (args.contextValue as WithRequestScope<C>).log.info({ operation: payload.operationName ?? null, type: 'subscription' }, 'graphql subscription');
      },
      onError: (_ctx, _id, _payload, errors) => logger.warn({ errors }, 'subscription error'),
    },
    wsServer,
  );

  const apollo = new ApolloServer<WithRequestScope<C>>({
    schema,
    formatError: (formatted, error) => {
      // Unexpected errors of an operation are logged with its request id by operationPlugin;
      // this logs the rest (say, a failing context factory), which happen outside any operation.
      const out = formatError(formatted, error, (err) => {
        if (err === null || typeof err !== 'object' || !logged.has(err)) logger.error({ err }, 'unexpected error');
      });
      metrics.countError(String(out.extensions?.code ?? 'UNKNOWN'));
      return out;
    },
    plugins: [
      operationPlugin<WithRequestScope<C>>(metrics, logged),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Traces are for Apollo Studio, which Souk does not use; they would cost every request.
      ApolloServerPluginInlineTraceDisabled(),
      // No schema sets cache hints and no cache reads them; the default plugin wrapped every field
      // resolver to compute them (a tenth of what a recommendations request allocated).
      ApolloServerPluginCacheControlDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
    // The process owner decides when to stop (the launcher stops every subgraph in order); Apollo's
    // own signal handlers would race it and re-raise the signal into a process still stopping.
    stopOnTerminationSignals: false,
    // Introspection stays on: the gateway's GraphiQL and composition tooling rely on it.
    introspection: true,
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: name });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(METRICS_CONTENT_TYPE).send(await renderMetrics());
  });
  app.use(
    '/graphql',
    requestIdMiddleware,
    express.json({ limit: options.bodyLimit ?? '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ res }) => withRequestScope(await options.context(), logger, res.locals.requestId as string, res.locals.startedAt as number),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/graphql`;
  logger.info({ url }, `${name} subgraph ready`);
  return {
    url,
    server: httpServer,
    execute: async ({ requestId, ...request }) => {
      const startedAt = performance.now();
      const contextValue = withRequestScope(await options.context(), logger, requestIdFrom(requestId), startedAt);
      const response = await apollo.executeOperation(request, { contextValue });
      // Apollo answers incrementally only to @defer/@stream, which the gateway does not send here.
      if (response.body.kind !== 'single') throw new Error(`${name}: incremental delivery is not served in process`);
      return response.body.singleResult as ExecutionResult;
    },
    stop: async () => {
      await apollo.stop();
    },
  };
}
