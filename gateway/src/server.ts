import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway';
import { normalizeNodeRequest } from '@whatwg-node/server';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

export const SUPERGRAPH_PATH = join(__dirname, '..', '..', 'schema', 'supergraph.graphql');

export interface GatewayOptions {
  port: number;
  host?: string;
  /** Where each subgraph listens now; overrides the routing URLs baked into the supergraph. */
  subgraphUrls: Record<string, string>;
  supergraphPath?: string;
  logLevel?: string;
}

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/**
 * Hive Gateway over the composed supergraph. Clients use one endpoint, /graphql, for queries,
 * mutations and subscriptions (graphql-ws over WebSocket, or GraphQL over SSE); GraphiQL is served
 * there to browsers. Subgraph subscriptions are consumed over WebSocket, since Apollo Server
 * subgraphs do not speak SSE.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const supergraph = readFileSync(opts.supergraphPath ?? SUPERGRAPH_PATH, 'utf8');
  const transportEntries: Record<string, object> = {
    '*.http': { options: { subscriptions: { kind: 'ws', location: '/graphql' } } },
  };
  for (const [name, location] of Object.entries(opts.subgraphUrls)) transportEntries[name] = { location };

  const runtime = createGatewayRuntime({
    supergraph,
    transportEntries,
    graphiql: { title: 'Souk' },
    landingPage: false,
    logging: opts.logLevel === 'debug' ? 'debug' : 'warn',
  });
  const server = createServer(runtime);
  const wsServer = new WebSocketServer({ path: runtime.graphqlEndpoint, server });
  const ws = useServer(
    getGraphQLWSOptions(runtime, (ctx) => {
      const extra = ctx.extra as Extra;
      return { req: extra.request, socket: extra.socket, request: normalizeNodeRequest(extra.request, runtime.fetchAPI) };
    }),
    wsServer,
  );
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}${runtime.graphqlEndpoint}`,
    server,
    stop: async () => {
      await ws.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
