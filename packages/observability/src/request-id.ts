import { randomUUID } from 'node:crypto';

/** The header that carries a request's id from the client through the gateway to every subgraph. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A client may send its own id; anything long or odd (it lands in every log line) is replaced.
const VALID = /^[\w.:@+=/-]{1,128}$/;

export function isValidRequestId(id: string): boolean {
  return VALID.test(id);
}

/** The id a request carries if it is usable, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const id = Array.isArray(header) ? header[0] : header;
  return id !== undefined && VALID.test(id) ? id : randomUUID();
}
