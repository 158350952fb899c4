import type { Queryable } from '@souk/db';
import type { StockItem } from './stock-store';

// The database's availability state, read in two statements for warm(). Only stock rows count:
// a product without one has no units, which every store reads as "not available".
export interface AvailabilitySnapshot {
  stock: StockItem[];
  closedBusinesses: string[];
}

export async function readAvailabilitySnapshot(db: Queryable): Promise<AvailabilitySnapshot> {
  const stock = await db.query<{ product_id: string; quantity: number; business_id: string }>(
    'SELECT s.product_id, s.quantity, p.business_id FROM stock s JOIN products p ON p.id = s.product_id',
  );
  const closed = await db.query<{ id: string }>('SELECT id FROM businesses WHERE NOT is_open');
  return {
    stock: stock.map((r) => ({ productId: r.product_id, quantity: r.quantity, businessId: r.business_id })),
    closedBusinesses: closed.map((r) => r.id),
  };
}
