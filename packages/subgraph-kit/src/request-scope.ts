import type { Logger } from '@souk/log';
import { REQUEST_ID_HEADER, requestIdFrom } from '@souk/observability';
import type { NextFunction, Request, Response } from 'express';

/** What every subgraph's GraphQL context carries besides its own fields. */
export interface RequestScope {
  /** The x-request-id the gateway forwarded (or a fresh one): the same in every subgraph. */
  requestId: string;
  /** A child of the subgraph's logger whose every line carries `requestId`. */
  log: Logger;
}

export type WithRequestScope<C> = C & RequestScope;

/**
 * When the HTTP request arrived (performance.now()), on the context under a symbol: Apollo Server
 * hands plugins a shallow copy of the context, so it cannot be looked up by the object itself.
 */
export const STARTED_AT = Symbol('startedAt');

/**
 * Express middleware: takes the request's id from x-request-id (or makes one), echoes it in the
 * response, and notes when the request arrived, for the operation duration metric.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.locals.requestId = requestId;
  res.locals.startedAt = performance.now();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  next();
}

export function withRequestScope<C extends object>(context: C, logger: Logger, requestId: string, startedAt?: number): WithRequestScope<C> {
  return { ...context, requestId, log: logger.child({ requestId }), [STARTED_AT]: startedAt };
}
