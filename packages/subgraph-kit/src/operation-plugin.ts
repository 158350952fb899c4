import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { formatError } from '@souk/errors';
import type { SubgraphMetrics } from '@souk/observability';
import { STARTED_AT, type RequestScope } from './request-scope';

/**
 * Per operation: records souk_subgraph_operation_seconds, writes one info line (with the request
 * id, through the context's logger), and logs unexpected errors on that same logger. One listener
 * object serves every request: the hooks read what they need from the request context.
 */
export function operationPlugin<C extends RequestScope>(
  metrics: SubgraphMetrics,
  /** Errors logged here, so that formatError's fallback does not log them again. */
  logged: WeakSet<object>,
): ApolloServerPlugin<C> {
  const listener: GraphQLRequestListener<C> = {
    async didEncounterErrors({ errors, contextValue }) {
      // formatError decides what is unexpected (and so hidden from clients); here it only
      // classifies, and the request's logger records what it would have logged.
      for (const e of errors) {
        formatError({ message: e.message, extensions: e.extensions }, e, (err) => {
          if (err !== null && typeof err === 'object') logged.add(err);
          contextValue.log.error({ err, path: e.path }, 'unexpected error');
        });
      }
    },
    async willSendResponse({ contextValue, operation, operationName, errors }) {
      const start = (contextValue as { [STARTED_AT]?: number })[STARTED_AT];
      if (start === undefined) return;
      const ms = performance.now() - start;
      const type = operation?.operation ?? 'invalid';
      metrics.observeOperation(type, operationName ?? undefined, ms / 1000);
      contextValue.log.info({ operation: operationName ?? null, type, ms: Math.round(ms * 100) / 100, errors: errors?.length ?? 0 }, 'graphql operation');
    },
  };
  return { requestDidStart: async () => listener };
}
