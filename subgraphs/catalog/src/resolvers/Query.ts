import type { CatalogContext } from '../context';
import { connection } from '../page';
import * as v from '../validate';

interface ProductFilterArg {
  vertical?: string | null;
  businessId?: string | null;
  category?: string | null;
  inStockOnly?: boolean | null;
}

export const Query = {
  product: (_: unknown, args: { id: string }, ctx: CatalogContext) => ctx.products.load(args.id),
  products: async (_: unknown, args: { filter?: ProductFilterArg | null; first: number; after?: string | null }, ctx: CatalogContext) => {
    const first = v.pageSize(args.first);
    const f = args.filter ?? {};
    const rows = await ctx.store.productPage(
      { vertical: v.optionalVertical(f.vertical, 'filter.vertical'), businessId: f.businessId, category: f.category, inStockOnly: f.inStockOnly },
      first + 1,
      args.after ?? null,
    );
    return connection(rows, first);
  },
  searchProducts: (_: unknown, args: { query: string; vertical?: string | null; first: number }, ctx: CatalogContext) =>
    ctx.store.search(v.searchQuery(args.query), v.optionalVertical(args.vertical), v.pageSize(args.first)),
  business: (_: unknown, args: { id: string }, ctx: CatalogContext) => ctx.businesses.load(args.id),
  businesses: async (_: unknown, args: { vertical?: string | null; first: number; after?: string | null }, ctx: CatalogContext) => {
    const first = v.pageSize(args.first);
    const rows = await ctx.store.businessPage(v.optionalVertical(args.vertical), first + 1, args.after ?? null);
    return connection(rows, first);
  },
};
