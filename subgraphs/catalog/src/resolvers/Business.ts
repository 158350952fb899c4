import type { CatalogContext } from '../context';
import { connection } from '../page';
import type { BusinessRow } from '../store';
import { pageSize } from '../validate';

export const Business = {
  __resolveReference: (ref: { id: string }, ctx: CatalogContext) => ctx.businesses.load(ref.id),
  isOpen: (b: BusinessRow) => b.is_open,
  location: (b: BusinessRow) => (b.city || b.lat !== null ? { city: b.city, lat: b.lat, lon: b.lon } : null),
  createdAt: (b: BusinessRow) => b.created_at.toISOString(),
  products: async (b: BusinessRow, args: { first: number; after?: string | null }, ctx: CatalogContext) => {
    const first = pageSize(args.first);
    return connection(await ctx.businessProducts.load({ businessId: b.id, limit: first + 1, after: args.after ?? null }), first);
  },
};
