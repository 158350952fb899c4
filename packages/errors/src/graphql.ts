import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from './domain';

/** The one mapping from domain errors to GraphQL error codes. */
export function toGraphQLError(err: DomainError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: err.code, ...err.details } });
}

// PostgreSQL SQLSTATEs that mean the client sent something impossible, not that we broke.
const PG_INPUT_ERRORS: Record<string, string> = {
  '23503': 'a referenced entity does not exist',
  '23514': 'a value is outside its allowed range',
  '22P02': 'a value has the wrong format',
  '22003': 'a number is out of range',
};

/**
 * Apollo Server's formatError hook: domain errors keep their code and message; GraphQL's own
 * validation errors (already coded by Apollo) pass through; anything else is hidden behind
 * INTERNAL_SERVER_ERROR so no raw driver message reaches a client.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log?: (err: unknown) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  const sqlState = (original as { code?: unknown } | undefined)?.code;
  if (typeof sqlState === 'string' && sqlState in PG_INPUT_ERRORS) {
    return { ...formatted, message: `Invalid input: ${PG_INPUT_ERRORS[sqlState]}`, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError || (code && code !== 'INTERNAL_SERVER_ERROR')) return formatted;
  log?.(original);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
