import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { formatError } from '@souk/errors';
import type { Logger } from '@souk/log';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

// Builds one subgraph's HTTP server: Apollo Server for queries and mutations, graphql-ws on the
// same path for subscriptions (Apollo Server has no subscription transport of its own; the gateway
// is configured to subscribe over WebSocket), and /health for readiness probes.

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

export interface RunningSubgraph {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export async function startSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): Promise<RunningSubgraph> {
  const { name, schema, logger } = options;
  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer(
    {
      schema,
      context: async () => options.context(),
      onError: (_ctx, _id, _payload, errors) => logger.warn({ errors }, 'subscription error'),
    },
    wsServer,
  );

  const apollo = new ApolloServer<C>({
    schema,
    formatError: (formatted, error) => formatError(formatted, error, (err) => logger.error({ err }, 'unexpected error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Traces are for Apollo Studio, which Souk does not use; they would cost every request.
      ApolloServerPluginInlineTraceDisabled(),
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
  app.use('/graphql', express.json({ limit: options.bodyLimit ?? '5mb' }), expressMiddleware(apollo, { context: async () => options.context() }));

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
    stop: async () => {
      await apollo.stop();
    },
  };
}
