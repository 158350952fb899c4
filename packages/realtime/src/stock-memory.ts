import type { Queryable } from '@souk/db';
import { readAvailabilitySnapshot } from './stock-snapshot';
import { AvailabilityNotReadyError, type AvailabilityStore, type StockItem } from './stock-store';

/**
 * The embedded default: plain maps in this process. The launcher hands the same object to the
 * catalog (writer) and the recommendations subgraph (reader), so both see every change at once.
 */
export class MemoryAvailabilityStore implements AvailabilityStore {
  private readonly stock = new Map<string, { quantity: number; businessId: string }>();
  private readonly closed = new Set<string>();
  private warmed = false;

  async setStock(items: readonly StockItem[]): Promise<void> {
    for (const i of items) this.stock.set(i.productId, { quantity: i.quantity, businessId: i.businessId });
  }

  async setBusinessOpen(businessId: string, open: boolean): Promise<void> {
    if (open) this.closed.delete(businessId);
    else this.closed.add(businessId);
  }

  async available(productIds: readonly string[]): Promise<Set<string>> {
    if (!this.warmed) throw new AvailabilityNotReadyError('memory store');
    const out = new Set<string>();
    for (const id of productIds) {
      const s = this.stock.get(id);
      if (s && s.quantity > 0 && !this.closed.has(s.businessId)) out.add(id);
    }
    return out;
  }

  async warm(db: Queryable): Promise<{ products: number; closedBusinesses: number }> {
    const snap = await readAvailabilitySnapshot(db);
    // Swap in one synchronous step: a reader never sees a half-loaded state.
    this.stock.clear();
    this.closed.clear();
    for (const i of snap.stock) this.stock.set(i.productId, { quantity: i.quantity, businessId: i.businessId });
    for (const b of snap.closedBusinesses) this.closed.add(b);
    this.warmed = true;
    return { products: snap.stock.length, closedBusinesses: snap.closedBusinesses.length };
  }

  async close(): Promise<void> {
    // Nothing to release; kept so that every backend closes the same way.
  }
}
