import type { Queryable } from '@souk/db';
import type { AvailabilityStore, StockItem } from './stock-store';

/**
 * Answers from the database itself: the fallback when Redis is unreachable or slow, and the store
 * of a standalone recommendations process without Redis. Slower than a cache, never stale. Its
 * writes do nothing, because whoever calls them has just written the database.
 */
export class PostgresAvailability implements AvailabilityStore {
  constructor(private readonly db: Queryable) {}

  async setStock(_items: readonly StockItem[]): Promise<void> {}

  async setBusinessOpen(_businessId: string, _open: boolean): Promise<void> {}

  async available(productIds: readonly string[]): Promise<Set<string>> {
    if (productIds.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>(
      `SELECT p.id FROM products p
       JOIN stock s ON s.product_id = p.id
       JOIN businesses b ON b.id = p.business_id
       WHERE p.id = ANY($1::text[]) AND s.quantity > 0 AND b.is_open`,
      [productIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  async warm(_db: Queryable): Promise<{ products: number; closedBusinesses: number }> {
    return { products: 0, closedBusinesses: 0 };
  }

  async close(): Promise<void> {
    // The database handle belongs to the caller.
  }
}
