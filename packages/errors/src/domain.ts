// Domain errors: what went wrong in Souk's own words. Resolvers and services throw these; the one
// mapping in ./graphql.ts turns them into GraphQL errors with a code. Anything else reaching the
// boundary (a driver error, a bug) is reported to the client as INTERNAL_SERVER_ERROR without its
// message, and logged in full.

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'BATCH_TOO_LARGE'
  | 'CONFLICT'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${JSON.stringify(id)} does not exist`, { entity, id });
  }
}

export class BatchTooLargeError extends DomainError {
  constructor(what: string, size: number, max: number) {
    super('BATCH_TOO_LARGE', `${what} holds ${size} items; at most ${max} are accepted per request`, { size, max });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('SERVICE_UNAVAILABLE', message);
  }
}
