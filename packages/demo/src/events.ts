import { apportion } from './apportion';
import { productId } from './catalog';
import type { Market } from './market';
import type { ResolvedOptions } from './options';
import { SessionWriter } from './sessions';
import { HOUR } from './time';
import { userProfile } from './users';

// The interaction log, streamed user by user: the requested number of events is shared out by
// each user's activity (heavy-tailed: a few users do a lot), then each user's sessions are written
// and emitted in time order. Only one user's sessions are in memory at a time.

export const INTERACTION_COLUMNS = [
  'event_id', 'user_id', 'product_id', 'business_id', 'type', 'query', 'review_text', 'rating', 'occurred_at', 'session_id', 'device', 'recorded_at',
] as const;

/** Events reach the server a moment after they happen. */
const INGEST_DELAY_MS = 1500;

export const eventId = (seed: number, n: number) => `demo-${seed}-${n}`;

/** Events per user, adding up to exactly options.events. */
export function eventBudgets(options: ResolvedOptions, market: Market): number[] {
  const end = options.now.getTime();
  const weights: number[] = [];
  for (let i = 0; i < options.users; i++) {
    const u = userProfile(options, market, i);
    // A user who signed up in the last hour has no room for a session.
    weights.push(u.createdAt < end - HOUR ? u.activity : 0);
  }
  return apportion(options.events, weights);
}

export function* interactionRows(options: ResolvedOptions, market: Market): Generator<unknown[]> {
  const budgets = eventBudgets(options, market);
  const { plan, businesses } = market;
  let n = 0;
  for (let i = 0; i < options.users; i++) {
    if (!budgets[i]) continue;
    const user = userProfile(options, market, i);
    for (const session of new SessionWriter(options, market, user, budgets[i]).write()) {
      for (const e of session.events) {
        const product = e.product >= 0 ? productId(e.product) : null;
        const business = e.product >= 0 ? businesses[plan.business[e.product]].id : null;
        yield [
          eventId(options.seed, n++), user.id, product, business, e.type, e.query ?? null, e.review ?? null, e.rating ?? null,
          new Date(e.t), session.id, session.device, new Date(e.t + INGEST_DELAY_MS),
        ];
      }
    }
  }
}
