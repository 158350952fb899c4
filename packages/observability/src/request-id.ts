import { randomUUID } from 'node:crypto';

/** The header that carries a request's id from the client through the gateway to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A client may send its own id; anything long or odd (it lands in every log line) is replaced.
const VALID = /^[\w.:@+=/-]{1,128}$/;

export function isValidRequestId(id: string): boolean {
  return VALID.test(id);
}

/**
 * The ids of the requests a serving process sends through its own gateway before it takes traffic
 * (packages/launcher/src/warm-up.ts): they are served in full but not logged as impressions or
 * counted as served. The gateway replaces a client's id that starts with it.
 */
export const WARM_UP_REQUEST_PREFIX = 'souk-warm-up-';

export function isWarmUpRequestId(id: string): boolean {
  return id.startsWith(WARM_UP_REQUEST_PREFIX);
}

/** The id a request carries if it is usable, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const id = Array.isArray(header) ? header[0] : header;
  return id !== undefined && VALID.test(id) ? id : randomUUID();
}

/**
 * Where a subscription's request id travels from the gateway to a subgraph: a key of the
 * graphql-ws subscribe message's `extensions`, since one gateway socket carries the subscriptions
 * of many client requests and its upgrade headers belong to the first of them.
 */
export const REQUEST_ID_EXTENSION = 'requestId';

/** The request id in a subscribe message's extensions, if one is there (validated by requestIdFrom). */
export function subscriptionRequestId(extensions: Record<string, unknown> | undefined | null): string | undefined {
  const id = extensions?.[REQUEST_ID_EXTENSION];
  return typeof id === 'string' ? id : undefined;
}
