import type { InteractionRow } from '../store';

// Product and Business are references: the catalog subgraph resolves their fields.
export const Interaction = {
  eventId: (i: InteractionRow) => i.event_id,
  product: (i: InteractionRow) => (i.product_id ? { __typename: 'Product', id: i.product_id } : null),
  business: (i: InteractionRow) => (i.business_id ? { __typename: 'Business', id: i.business_id } : null),
  reviewText: (i: InteractionRow) => i.review_text,
  occurredAt: (i: InteractionRow) => i.occurred_at.toISOString(),
  sessionId: (i: InteractionRow) => i.session_id,
};
