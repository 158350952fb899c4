import { BatchTooLargeError } from '@souk/errors';
import type { EventBus, FeatureCache } from '@souk/realtime';
import type { InteractionStore } from './store';
import { validateEvent, type EventError, type InteractionInput, type ValidEvent } from './validate';

export interface EventOutcome {
  index: number;
  eventId: string;
  status: 'STORED' | 'DUPLICATE' | 'REJECTED';
  error: EventError | null;
}

/**
 * recordInteractions: validate each event, check its references, store the valid ones, report
 * every event's outcome at its index. One bad event never blocks the others; an oversized batch
 * is refused whole, before anything is written.
 */
export async function recordInteractions(
  input: InteractionInput[],
  deps: { store: InteractionStore; bus: EventBus; maxBatch: number; now?: Date; features?: FeatureCache | null },
): Promise<EventOutcome[]> {
  if (input.length > deps.maxBatch) throw new BatchTooLargeError('events', input.length, deps.maxBatch);
  const now = deps.now ?? new Date();
  const outcomes: EventOutcome[] = input.map((e, index) => ({ index, eventId: e.eventId, status: 'STORED', error: null }));
  const candidates: { index: number; event: ValidEvent }[] = [];
  input.forEach((e, index) => {
    const v = validateEvent(e, now);
    if ('error' in v) Object.assign(outcomes[index], { status: 'REJECTED', error: v.error });
    else candidates.push({ index, event: v.event });
  });

  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const refs = await deps.store.references(
    uniq(candidates.map((c) => c.event.userId)),
    uniq(candidates.map((c) => c.event.productId)),
    uniq(candidates.map((c) => c.event.businessId)),
  );

  const seen = new Set<string>();
  const accepted: { index: number; event: ValidEvent }[] = [];
  for (const c of candidates) {
    const e = c.event;
    const reject = (error: EventError) => Object.assign(outcomes[c.index], { status: 'REJECTED', error });
    if (!refs.users.has(e.userId)) { reject({ code: 'UNKNOWN_USER', message: `user ${JSON.stringify(e.userId)} does not exist`, field: 'userId' }); continue; }
    if (e.productId !== null) {
      const owner = refs.products.get(e.productId);
      if (owner === undefined) { reject({ code: 'UNKNOWN_PRODUCT', message: `product ${JSON.stringify(e.productId)} does not exist`, field: 'productId' }); continue; }
      if (e.businessId !== null && e.businessId !== owner) {
        reject({ code: 'BUSINESS_MISMATCH', message: `product ${JSON.stringify(e.productId)} belongs to business ${JSON.stringify(owner)}, not ${JSON.stringify(e.businessId)}`, field: 'businessId' });
        continue;
      }
      e.businessId = owner;
    } else if (e.businessId !== null && !refs.businesses.has(e.businessId)) {
      reject({ code: 'UNKNOWN_BUSINESS', message: `business ${JSON.stringify(e.businessId)} does not exist`, field: 'businessId' });
      continue;
    }
    // The same event twice in one batch: the second is a duplicate, as it would be in a later batch.
    if (seen.has(e.eventId)) { outcomes[c.index].status = 'DUPLICATE'; continue; }
    seen.add(e.eventId);
    accepted.push(c);
  }

  const inserted = await deps.store.insert(accepted.map((c) => c.event));
  for (const c of accepted) if (!inserted.has(c.event.eventId)) outcomes[c.index].status = 'DUPLICATE';

  // Tell the rest of Souk whose behaviour changed (recommendations re-ranks and pushes).
  const byUser = new Map<string, { types: Set<string>; productIds: Set<string> }>();
  for (const c of accepted) {
    if (!inserted.has(c.event.eventId)) continue;
    const u = byUser.get(c.event.userId) ?? { types: new Set(), productIds: new Set() };
    u.types.add(c.event.type);
    if (c.event.productId) u.productIds.add(c.event.productId);
    byUser.set(c.event.userId, u);
  }
  // Before the event goes out, so a recomputation it triggers reads the new history. If the cache
  // is unreachable the entry expires by its TTL; the events are stored either way.
  await deps.features?.invalidate([...byUser.keys()]).catch(() => undefined);
  await Promise.all(
    [...byUser].map(([userId, u]) => deps.bus.publish('interactions.recorded', { userId, types: [...u.types], productIds: [...u.productIds] })),
  );
  return outcomes;
}
