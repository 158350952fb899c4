import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { isValidRequestId, REQUEST_ID_EXTENSION, REQUEST_ID_HEADER } from '@souk/observability';
import { getOperationAST } from 'graphql';

// Hive Gateway forwards the request id as a header on every subgraph fetch, which covers queries
// and mutations. A subscription goes to its subgraph over a WebSocket that the transport opens once
// and shares among all client subscriptions, so a header cannot say whose each one is: the id rides
// in the subscribe message's `extensions` instead, where the subgraph's graphql-ws server reads it
// (packages/subgraph-kit/src/server.ts).

/** Puts the client request's id on each subscription the gateway sends to a subgraph. */
export function useSubscriptionRequestId(): GatewayPlugin {
  return {
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const operation = executionRequest.operationType ?? getOperationAST(executionRequest.document, executionRequest.operationName)?.operation;
      if (operation !== 'subscription') return;
      const request = (executionRequest.context as { request?: Request } | undefined)?.request;
      const id = request?.headers.get(REQUEST_ID_HEADER);
      if (!id) return;
      setExecutionRequest({ ...executionRequest, extensions: { ...executionRequest.extensions, [REQUEST_ID_EXTENSION]: id } });
    },
  };
}

/**
 * Gives a client's own WebSocket (graphql-ws to the gateway) a request id, as server.ts does for
 * each HTTP request: the client's from connectionParams (browsers cannot set headers on a
 * WebSocket) or the upgrade request's header, else a fresh one. Set on the upgrade request, which
 * every operation of that socket is run with.
 */
export function ensureSocketRequestId(upgrade: IncomingMessage, connectionParams: Readonly<Record<string, unknown>> | undefined): void {
  const fromParams = connectionParams?.[REQUEST_ID_HEADER];
  if (typeof fromParams === 'string' && isValidRequestId(fromParams)) {
    upgrade.headers[REQUEST_ID_HEADER] = fromParams;
    return;
  }
  const header = upgrade.headers[REQUEST_ID_HEADER];
  if (typeof header !== 'string' || !isValidRequestId(header)) upgrade.headers[REQUEST_ID_HEADER] = randomUUID();
}
