import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGatewayRuntime, getGraphQLWSOptions, usePrometheus } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { attachRegistry, isValidRequestId, isWarmUpRequestId, LATENCY_BUCKETS, METRICS_CONTENT_TYPE, renderMetrics, REQUEST_ID_HEADER } from '@souk/observability';
import { normalizeNodeRequest } from '@whatwg-node/server';
import { Registry } from 'prom-client';
import { IN_PROCESS_KIND, inProcessTransport, type InProcessExecute } from './in-process';
import { useClientOperationName } from './operation-name';
import { ensureSocketRequestId, useSubscriptionRequestId } from './request-id';
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
  /** 'rust' (the default): Hive Router's query planner and executor; 'js': the stitching runtime. */
  queryPlanner?: 'rust' | 'js';
  /**
   * Subgraphs served by this same process: their queries and mutations are executed in process
   * (in-process.ts); subscriptions still go to their URL.
   */
  inProcess?: Record<string, InProcessExecute>;
  /**
   * Run before the port opens, with a way to send GraphQL requests through this gateway in process:
   * a client (or a readiness check) reaches it only after this resolves.
   */
  warmUp?: (send: GatewaySend) => Promise<void>;
}

/** One GraphQL request through the gateway's whole request pipeline, without a socket. */
export type GatewaySend = (body: { query: string; variables?: Record<string, unknown>; operationName?: string }, requestId: string) => Promise<{ status: number; errors: number }>;

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/**
 * Hive Gateway over the composed supergraph. Clients use one endpoint, /graphql, for queries,
 * mutations and subscriptions (graphql-ws over WebSocket, or GraphQL over SSE); GraphiQL is served
 * there to browsers. Subgraph subscriptions are consumed over WebSocket, since Apollo Server
 * subgraphs do not speak SSE. GET /metrics serves the process's Prometheus metrics.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const supergraph = readFileSync(opts.supergraphPath ?? SUPERGRAPH_PATH, 'utf8');
  const transportEntries: Record<string, object> = {
    '*.http': { options: { subscriptions: { kind: 'ws', location: '/graphql' } } },
  };
  for (const [name, location] of Object.entries(opts.subgraphUrls)) {
    transportEntries[name] = opts.inProcess?.[name]
      ? { kind: IN_PROCESS_KIND, location, options: { subscriptions: { kind: 'ws', location: '/graphql' } } }
      : { location };
  }
  const inProcess = opts.inProcess && inProcessTransport(opts.inProcess);

  // Its own registry: the prometheus plugin clears its registry when the gateway is disposed, and
  // in the embedded default the process registry also holds the subgraphs' metrics.
  const gatewayRegistry = new Registry();
  const runtime = createGatewayRuntime({
    supergraph,
    transportEntries,
    transports: (kind: string) => (kind === IN_PROCESS_KIND && inProcess ? inProcess : import(`@graphql-mesh/transport-${kind}`)),
    // Plans with Hive Router's Rust planner and runs them with its lean executor, in place of the
    // JavaScript stitching runtime: less CPU per request (bench:serve, README "Serving").
    ...(opts.queryPlanner === 'js' ? {} : { unifiedGraphHandler }),
    graphiql: { title: 'Souk' },
    landingPage: false,
    logging: opts.logLevel === 'debug' ? 'debug' : 'warn',
    // Hive Gateway's request id: taken from x-request-id (or a fresh UUID), returned in the
    // response, forwarded to every subgraph fetch, and bound to the gateway's own log lines.
    requestId: { headerName: REQUEST_ID_HEADER },
    plugins: (ctx) => [
      // Before the metrics plugin, so that its per-subgraph series carry the name too.
      ...(opts.queryPlanner === 'js' ? [] : [useClientOperationName()]),
      useSubscriptionRequestId(),
      usePrometheus({
        ...ctx,
        registry: gatewayRegistry,
        endpoint: false, // served below, with the rest of the process's metrics
        // Only what is cheap and says where the time goes: end to end, and per subgraph. Off: the
        // summary (quantiles cost every observation), deprecated-field walks, per-phase timings.
        metrics: {
          graphql_yoga_http_duration: LATENCY_BUCKETS,
          graphql_envelop_request: true,
          graphql_envelop_error_result: true,
          graphql_gateway_subgraph_execute_duration: LATENCY_BUCKETS,
          graphql_gateway_subgraph_execute_errors: true,
          graphql_envelop_request_duration: false,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_schema_change: false,
          graphql_gateway_fetch_duration: false,
        },
        // The request URL would make a series per query string.
        labels: { url: false },
      }),
    ],
  });
  const detachRegistry = attachRegistry(gatewayRegistry);
  const server = createServer((req, res) => {
    if (req.url === '/metrics' && req.method === 'GET') {
      renderMetrics().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    // A client's id lands in every log line of every subgraph: one that is missing, too long or odd
    // is replaced by a fresh one here, before Hive Gateway forwards it (as a header, or to an
    // in-process subgraph from this request's headers).
    const id = req.headers[REQUEST_ID_HEADER];
    // The warm-up's ids are reserved: a request under one would be neither logged nor counted.
    if (typeof id !== 'string' || !isValidRequestId(id) || isWarmUpRequestId(id)) req.headers[REQUEST_ID_HEADER] = randomUUID();
    void runtime(req, res);
  });
  // Idle keep-alive connections stay open longer than a client or load balancer keeps them (60 s is
  // the usual idle timeout): with Node's 5 s default the server closes a socket just as a client
  // reuses it, and that request fails with ECONNRESET (seen under load in bench:serve).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const wsServer = new WebSocketServer({ path: runtime.graphqlEndpoint, server });
  const ws = useServer(
    getGraphQLWSOptions(runtime, (ctx) => {
      const extra = ctx.extra as Extra;
      ensureSocketRequestId(extra.request, ctx.connectionParams);
      return { req: extra.request, socket: extra.socket, request: normalizeNodeRequest(extra.request, runtime.fetchAPI) };
    }),
    wsServer,
  );
  if (opts.warmUp) {
    await opts.warmUp(async (body, requestId) => {
      const res = await runtime.fetch(`http://localhost${runtime.graphqlEndpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: requestId },
        body: JSON.stringify(body),
      });
      const result = (await res.json()) as { errors?: unknown[] };
      return { status: res.status, errors: result.errors?.length ?? 0 };
    });
  }
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
      detachRegistry();
    },
  };
}
