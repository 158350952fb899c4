import type { CatalogContext } from '../context';
import type { ProductRow } from '../store';

/** Low stock is 1..LOW_STOCK_MAX units. */
export const LOW_STOCK_MAX = 5;

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: CatalogContext) => ctx.products.load(ref.id),
  business: (p: ProductRow, _: unknown, ctx: CatalogContext) => ctx.businesses.load(p.business_id),
  priceRange: (p: ProductRow) => p.price_range,
  attributes: (p: ProductRow) =>
    Object.entries(p.attributes ?? {}).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) })),
  createdAt: (p: ProductRow) => p.created_at.toISOString(),
  stock: (p: ProductRow, _: unknown, ctx: CatalogContext) => ctx.stock.load(p.id),
  inStock: async (p: ProductRow, _: unknown, ctx: CatalogContext) => (await ctx.stock.load(p.id)) > 0,
  stockStatus: async (p: ProductRow, _: unknown, ctx: CatalogContext) => {
    const units = await ctx.stock.load(p.id);
    return units === 0 ? 'OUT_OF_STOCK' : units <= LOW_STOCK_MAX ? 'LOW_STOCK' : 'IN_STOCK';
  },
};
