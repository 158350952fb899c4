import type { Queryable } from '@souk/db';

// Whether a product can be served right now: units in stock AND its business open. Recommenders
// rank from data that may be seconds (or a cache) old; the last stage asks this store, so that a
// product sold out a moment ago is never served. PostgreSQL stays the source of truth: the
// catalog writes there first and then here, and warm() rebuilds the whole state from it.

export interface StockItem {
  productId: string;
  quantity: number;
  /** A product never changes business, so the store keeps it beside the quantity. */
  businessId: string;
}

export interface AvailabilityStore {
  /** Records quantities the database has just committed. */
  setStock(items: readonly StockItem[]): Promise<void>;
  /** Records a business's opening or closing that the database has just committed. */
  setBusinessOpen(businessId: string, open: boolean): Promise<void>;
  /**
   * The ids among `productIds` that are in stock at an open business, in one round trip.
   * A product the store does not know is not available. Throws AvailabilityNotReadyError before
   * the first warm() (or after the backing Redis lost its data): callers then ask PostgreSQL.
   */
  available(productIds: readonly string[]): Promise<Set<string>>;
  /** Replaces the whole state with the database's (stock, products.business_id, businesses.is_open). */
  warm(db: Queryable): Promise<{ products: number; closedBusinesses: number }>;
  close(): Promise<void>;
}

/** The store holds no state to answer from (never warmed, or Redis restarted empty). */
export class AvailabilityNotReadyError extends Error {
  constructor(what: string) {
    super(`${what}: availability is not loaded yet; warm() it from the database`);
    this.name = 'AvailabilityNotReadyError';
  }
}
