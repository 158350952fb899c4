import type { InteractionType } from '@souk/domain';

// Semantic validation of one event (GraphQL has already checked the types). Each problem gets a
// code a client can branch on and a message a person can read.

export interface InteractionInput {
  eventId: string;
  userId: string;
  productId?: string | null;
  businessId?: string | null;
  type: InteractionType;
  query?: string | null;
  reviewText?: string | null;
  rating?: number | null;
  occurredAt?: string | null;
  sessionId?: string | null;
  device?: string | null;
}

export interface EventError {
  code: 'INVALID_FIELD' | 'MISSING_FIELD' | 'UNKNOWN_USER' | 'UNKNOWN_PRODUCT' | 'UNKNOWN_BUSINESS' | 'BUSINESS_MISMATCH';
  message: string;
  field?: string;
}

export interface ValidEvent {
  eventId: string;
  userId: string;
  productId: string | null;
  businessId: string | null;
  type: InteractionType;
  query: string | null;
  reviewText: string | null;
  rating: number | null;
  occurredAt: Date;
  sessionId: string | null;
  device: string | null;
}

const MAX_TEXT = 4000;
const MAX_ID = 200;
const FUTURE_SLACK_MS = 5 * 60_000;

const fail = (code: EventError['code'], message: string, field?: string) => ({ error: { code, message, field } as EventError });
const blank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';

/** Checks one event on its own; references to users/products are checked against the database later. */
export function validateEvent(e: InteractionInput, now: Date): { event: ValidEvent } | { error: EventError } {
  if (blank(e.eventId)) return fail('MISSING_FIELD', 'eventId must not be empty', 'eventId');
  if (e.eventId.length > MAX_ID) return fail('INVALID_FIELD', `eventId is longer than ${MAX_ID} characters`, 'eventId');
  if (blank(e.userId)) return fail('MISSING_FIELD', 'userId must not be empty', 'userId');
  if (e.type !== 'SEARCH' && blank(e.productId)) return fail('MISSING_FIELD', `productId is required for ${e.type}`, 'productId');
  if (e.type === 'SEARCH' && blank(e.query)) return fail('MISSING_FIELD', 'query is required for SEARCH', 'query');
  if (e.rating !== null && e.rating !== undefined) {
    if (e.type !== 'REVIEW') return fail('INVALID_FIELD', 'rating is only accepted on REVIEW events', 'rating');
    if (!Number.isInteger(e.rating) || e.rating < 1 || e.rating > 5) return fail('INVALID_FIELD', `rating must be an integer from 1 to 5, got ${e.rating}`, 'rating');
  }
  for (const field of ['query', 'reviewText'] as const) {
    if ((e[field]?.length ?? 0) > MAX_TEXT) return fail('INVALID_FIELD', `${field} is longer than ${MAX_TEXT} characters`, field);
  }
  let occurredAt = now;
  if (!blank(e.occurredAt)) {
    occurredAt = new Date(e.occurredAt!);
    if (Number.isNaN(occurredAt.getTime())) return fail('INVALID_FIELD', `occurredAt ${JSON.stringify(e.occurredAt)} is not an ISO 8601 time`, 'occurredAt');
    if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) return fail('INVALID_FIELD', 'occurredAt is in the future', 'occurredAt');
  }
  return {
    event: {
      eventId: e.eventId,
      userId: e.userId,
      productId: blank(e.productId) ? null : e.productId!,
      businessId: blank(e.businessId) ? null : e.businessId!,
      type: e.type,
      query: blank(e.query) ? null : e.query!.trim(),
      reviewText: blank(e.reviewText) ? null : e.reviewText!,
      rating: e.rating ?? null,
      occurredAt,
      sessionId: blank(e.sessionId) ? null : e.sessionId!,
      device: blank(e.device) ? null : e.device!,
    },
  };
}
