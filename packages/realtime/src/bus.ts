// Cross-subgraph events. Subgraphs never call each other; when one changes something another
// cares about (a cart event, a stock change), it publishes here. Redis pub/sub carries events
// between processes and instances; the in-process bus serves the embedded default, where all
// subgraphs share one process.

export interface SoukEventMap {
  'interactions.recorded': { userId: string; types: string[]; productIds: string[] };
  'stock.changed': { productIds: string[] };
  'business.changed': { businessIds: string[] };
  'product.created': { productIds: string[] };
  /** Title, category, brand, price or other facts of existing products changed (the popular pool re-reads them). */
  'product.changed': { productIds: string[] };
  'model.published': { version: number };
}

export type Topic = keyof SoukEventMap;
export type SoukEvent<T extends Topic = Topic> = SoukEventMap[T];

export interface EventBus {
  publish<T extends Topic>(topic: T, event: SoukEvent<T>): Promise<void>;
  /** Returns a function that removes the handler. */
  subscribe<T extends Topic>(topic: T, handler: (event: SoukEvent<T>) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
