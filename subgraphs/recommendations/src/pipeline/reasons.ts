import type { HistoryItem } from '../features/user-features';
import type { Retrieved } from './retrieval';

const NEW_DAYS = 14;
const DAY_MS = 86_400_000;
// Stronger signals make the better explanation: a purchase over a view of the same kind of thing.
const STRENGTH: Record<string, number> = { PURCHASE: 4, ADD_TO_CART: 3, SAVE: 2, REVIEW: 2, CLICK: 1, VIEW: 0 };
const VERB: Record<string, string> = { PURCHASE: 'bought', ADD_TO_CART: 'added', SAVE: 'saved', REVIEW: 'reviewed', CLICK: 'viewed', VIEW: 'viewed' };

/**
 * Why a two-tower candidate is there, in words a shopper understands: the user's own strongest
 * recent interaction in the same category ("Because you bought …"), or that it is new, or that it
 * fits a category they keep coming back to.
 */
export function reasonFor(c: Retrieved, history: readonly HistoryItem[], now: Date): string {
  let best: HistoryItem | null = null;
  for (let i = history.length - 1; i >= 0 && i >= history.length - 50; i--) {
    const h = history[i];
    if (h.category !== c.category || h.productId === c.productId) continue;
    if (!best || (STRENGTH[h.type] ?? 0) > (STRENGTH[best.type] ?? 0)) best = h;
  }
  if (best) return `Because you ${VERB[best.type] ?? 'viewed'} ${best.title}`;
  if (now.getTime() - c.createdAt.getTime() < NEW_DAYS * DAY_MS) return 'New near you';
  if (history.some((h) => h.productId === c.productId && h.type === 'PURCHASE')) return `Buy again: ${c.title}`;
  return `Picked for you in ${c.category}`;
}
