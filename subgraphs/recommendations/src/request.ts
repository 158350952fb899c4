import { isVertical } from '@souk/domain';
import { InvalidInputError } from '@souk/errors';
import type { RecommendationRequest } from './recommenders/types';

export interface ContextInput {
  vertical?: string | null;
  businessId?: string | null;
  location?: { lat: number; lon: number } | null;
  time?: string | null;
  device?: string | null;
  sessionId?: string | null;
  cart?: string[] | null;
  limit?: number | null;
}

const DEFAULT_LIMIT = 10;
const MAX_CART = 200;

/** Turns GraphQL arguments into a RecommendationRequest, or says exactly what is wrong. */
export function parseRequest(userId: string, ctx: ContextInput | null | undefined, maxLimit: number, now = new Date()): RecommendationRequest {
  const c = ctx ?? {};
  if (!userId.trim()) throw new InvalidInputError('userId must not be empty', { field: 'userId' });
  const limit = c.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw new InvalidInputError(`context.limit must be between 1 and ${maxLimit}, got ${limit}`, { field: 'context.limit' });
  if (c.vertical != null && !isVertical(c.vertical)) throw new InvalidInputError(`context.vertical ${JSON.stringify(c.vertical)} is not a vertical`, { field: 'context.vertical' });
  if ((c.cart?.length ?? 0) > MAX_CART) throw new InvalidInputError(`context.cart holds more than ${MAX_CART} items`, { field: 'context.cart' });
  let time = now;
  if (c.time) {
    time = new Date(c.time);
    if (Number.isNaN(time.getTime())) throw new InvalidInputError(`context.time ${JSON.stringify(c.time)} is not an ISO 8601 time`, { field: 'context.time' });
  }
  if (c.location && (Math.abs(c.location.lat) > 90 || Math.abs(c.location.lon) > 180)) {
    throw new InvalidInputError('context.location is outside [-90, 90] x [-180, 180]', { field: 'context.location' });
  }
  return {
    userId,
    vertical: (c.vertical as RecommendationRequest['vertical']) ?? null,
    businessId: c.businessId ?? null,
    cart: c.cart ?? [],
    limit,
    time,
    device: c.device ?? null,
    sessionId: c.sessionId ?? null,
    location: c.location ?? null,
  };
}
