import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InteractionType } from '@souk/domain';
import { ACCEPTED_EVENT_TYPES, toInteractionType } from '../event-types';
import type { Pii } from '../pii';
import type { Validation } from '../types';
import { optionalInt, optionalText, requiredText, requiredTimestamp, validateRow, type Raw } from './fields';

export const EVENT_COLUMNS = {
  user: ['buyer_id', 'distinct_id', 'user_id', 'customer_id'],
  product: ['product_id', 'item_id', 'sku'],
  type: ['event_type', 'event_name', 'event'],
  occurredAt: ['timestamp', 'created_at', 'event_time', 'occurred_at', 'time'],
  sessionId: ['session_id', 'user_session', 'session'],
  device: ['device', 'platform'],
  query: ['query', 'search_query', 'search_term'],
  reviewText: ['review_text', 'review', 'comment'],
  rating: ['rating', 'stars'],
  eventId: ['event_id', 'id'],
} as const;

export const EVENT_REQUIRED = [EVENT_COLUMNS.user, EVENT_COLUMNS.type, EVENT_COLUMNS.occurredAt];

const schema = z
  .object({
    user: requiredText(500),
    product: optionalText(500),
    type: requiredText(100).transform((v, ctx): InteractionType => {
      const type = toInteractionType(v);
      if (type) return type;
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not one of ${ACCEPTED_EVENT_TYPES}` });
      return z.NEVER;
    }),
    occurredAt: requiredTimestamp(),
    sessionId: optionalText(200),
    device: optionalText(50),
    query: optionalText(1000),
    reviewText: optionalText(10_000),
    rating: optionalInt(1, 5),
    eventId: optionalText(200),
  })
  .superRefine((e, ctx) => {
    // The interactions table's own rules, checked here so that they read as row errors.
    if (e.type === 'SEARCH' && !e.query) ctx.addIssue({ code: 'custom', message: 'a search event needs a query' });
    if (e.type !== 'SEARCH' && !e.product) ctx.addIssue({ code: 'custom', message: `a ${e.type} event needs a product_id` });
  });

/** A validated event, anonymised: userId is an HMAC, free text is scrubbed; `product` is still the source's id. */
export interface EventRow {
  eventId: string;
  userId: string;
  product?: string;
  type: InteractionType;
  occurredAt: Date;
  sessionId?: string;
  device?: string;
  query?: string;
  reviewText?: string;
  rating?: number;
}

export function eventValidator(pii: Pii, source: string): (values: Raw) => Validation<EventRow> {
  return (values) => {
    const v = validateRow(schema, EVENT_COLUMNS, { values });
    if (!v.ok) return v;
    const e = v.value;
    const row: EventRow = {
      eventId: '',
      userId: pii.userId(e.user),
      product: e.product,
      type: e.type,
      occurredAt: e.occurredAt,
      sessionId: e.sessionId,
      device: e.device?.toLowerCase(),
      query: e.query === undefined ? undefined : pii.scrub(e.query),
      reviewText: e.reviewText === undefined ? undefined : pii.scrub(e.reviewText),
      rating: e.rating,
    };
    // Idempotency: a given event id is kept (namespaced by source, since two exports may both count
    // from 1); otherwise the id is a hash of the source and what the event says, so re-reading the
    // same row, from CSV or JSONL, gives the same id and ON CONFLICT skips it.
    row.eventId = e.eventId
      ? `${source}:${e.eventId}`
      : `${source}:h${createHash('sha256')
          .update([source, row.userId, row.product, row.type, row.occurredAt.toISOString(), row.sessionId, row.device, row.query, row.reviewText, row.rating].join('\u0000'))
          .digest('hex')
          .slice(0, 32)}`;
    return { ok: true, value: row };
  };
}
