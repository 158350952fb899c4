import type { GatewayPlugin } from '@graphql-hive/gateway';
import { getOperationAST, Kind, type DocumentNode } from 'graphql';

// Hive Router's executor sends each subgraph an anonymous operation. The stitching runtime used to
// forward the client's operation name, and subgraph logs, subgraph metrics and the gateway's
// per-subgraph histogram are all keyed by it: "which screen's query is slow in catalog?". This
// plugin names every anonymous subgraph operation after the client's operation.

// One named copy per (plan document, name): the executor's documents are built once per query plan,
// and a stable copy keeps the transport's print cache warm (no print per request).
const named = new WeakMap<DocumentNode, Map<string, DocumentNode>>();

export function withOperationName(document: DocumentNode, name: string): DocumentNode {
  let byName = named.get(document);
  if (!byName) named.set(document, (byName = new Map()));
  let doc = byName.get(name);
  if (!doc) {
    doc = {
      ...document,
      definitions: document.definitions.map((d) =>
        d.kind === Kind.OPERATION_DEFINITION && !d.name ? { ...d, name: { kind: Kind.NAME, value: name } } : d,
      ),
    };
    byName.set(name, doc);
  }
  return doc;
}

// The client's operation name, noted on the request's context when it is executed: a client need
// not send `operationName` for a document with one named operation.
const CLIENT_OPERATION = Symbol('clientOperation');

export function useClientOperationName(): GatewayPlugin {
  return {
    onExecute({ args }) {
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      if (name) (args.contextValue as unknown as Record<symbol, string>)[CLIENT_OPERATION] = name;
    },
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      if (executionRequest.operationName) return;
      const name = (executionRequest.context as Record<symbol, string | undefined> | undefined)?.[CLIENT_OPERATION];
      if (!name) return;
      setExecutionRequest({ ...executionRequest, operationName: name, document: withOperationName(executionRequest.document, name) });
    },
  };
}
