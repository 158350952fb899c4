import type { Transport, TransportEntry, TransportGetSubgraphExecutor } from '@graphql-mesh/transport-common';
import type { ExecutionRequest, Executor } from '@graphql-tools/utils';
import { REQUEST_ID_HEADER } from '@souk/observability';
import { print, type DocumentNode, type ExecutionResult } from 'graphql';

// When the gateway and the subgraphs share a process (the launcher's one-process stack, which is
// the embedded default), a query or mutation for a subgraph is handed to that subgraph's Apollo
// Server directly instead of going out through the loopback port and back in. The subgraph still
// runs its whole request pipeline (plugins, request scope, error formatting); what is skipped is
// HTTP on both sides: the fetch, express, JSON both ways. That hop was about a third of the
// process's CPU per recommendation request in bench:serve's profile. Subscriptions keep the
// WebSocket transport: the subgraph's subscription server lives there.

export const IN_PROCESS_KIND = 'souk-in-process';

/** What the gateway calls: RunningSubgraph.execute of @souk/subgraph-kit. */
export type InProcessExecute = (request: { query: string; variables?: Record<string, unknown>; operationName?: string; requestId?: string }) => Promise<ExecutionResult>;

// Query plans reuse their documents, so each is printed once.
const printed = new WeakMap<DocumentNode, string>();
function source(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** The gateway's request id (gateway/src/server.ts puts one on every request before Hive Gateway sees it). */
function requestIdOf(context: unknown): string | undefined {
  const request = (context as { request?: { headers?: { get(name: string): string | null } } } | undefined)?.request;
  return request?.headers?.get(REQUEST_ID_HEADER) ?? undefined;
}

export function inProcessTransport(subgraphs: Readonly<Record<string, InProcessExecute>>): Transport {
  const getSubgraphExecutor: TransportGetSubgraphExecutor = ({ transportEntry, getTransportExecutor }) => {
    const execute = subgraphs[transportEntry.subgraph];
    if (!execute) throw new Error(`no in-process subgraph named ${transportEntry.subgraph}`);
    let overHttp: Promise<Executor> | undefined;
    const viaHttp = (request: ExecutionRequest) => {
      overHttp ??= Promise.resolve(getTransportExecutor({ ...transportEntry, kind: 'http' } as TransportEntry));
      return overHttp.then((executor) => executor(request));
    };
    const executor = (request: ExecutionRequest) => {
      if (request.operationType === 'subscription') return viaHttp(request);
      return execute({
        query: source(request.document),
        variables: request.variables as Record<string, unknown> | undefined,
        operationName: request.operationName,
        requestId: requestIdOf(request.context),
      });
    };
    // The result is the subgraph's own ExecutionResult: untyped data, as over HTTP.
    return executor as Executor;
  };
  return { getSubgraphExecutor };
}
