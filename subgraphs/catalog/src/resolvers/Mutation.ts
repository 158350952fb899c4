import { DomainError, InvalidInputError, NotFoundError, UnavailableError } from '@souk/errors';
import type { SoukEvent, Topic } from '@souk/realtime';
import type { CatalogContext } from '../context';
import { newId } from '../keys';
import type { BusinessPatch, ProductPatch } from '../store';
import * as v from '../validate';

interface CreateBusinessInput {
  id?: string | null;
  vertical: string;
  name: string;
  city?: string | null;
  lat?: number | null;
  lon?: number | null;
  isOpen?: boolean | null;
}

type UpdateBusinessInput = Partial<Record<'vertical' | 'name' | 'city', string | null> & Record<'lat' | 'lon', number | null> & { isOpen: boolean | null }>;

interface AttributeInput {
  name: string;
  value: string;
}

interface CreateProductInput {
  id?: string | null;
  businessId: string;
  title: string;
  description?: string | null;
  category: string;
  brand?: string | null;
  price: number;
  priceRange?: number | null;
  currency?: string | null;
  attributes?: AttributeInput[] | null;
  stock?: number | null;
  imageVector?: number[] | null;
}

interface UpdateProductInput {
  title?: string | null;
  description?: string | null;
  category?: string | null;
  brand?: string | null;
  price?: number | null;
  priceRange?: number | null;
  currency?: string | null;
  attributes?: AttributeInput[] | null;
  imageVector?: number[] | null;
}

/** A field given as null that the row cannot hold empty. */
function required<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw new InvalidInputError(`${field} cannot be null`, { field });
  return value;
}

/**
 * Subscribers (recommendations) learn of changes through the bus. The write is already committed
 * when this runs, so a failure says exactly that rather than pretending nothing happened.
 */
async function notify<T extends Topic>(ctx: CatalogContext, topic: T, event: SoukEvent<T>): Promise<void> {
  try {
    await ctx.bus.publish(topic, event);
  } catch {
    throw new UnavailableError(`the change was saved, but ${topic} could not be published`);
  }
}

/**
 * Writes a committed change through to the availability store before anyone is notified, so that
 * a recommendation recomputed on the event already sees it. The database stays the truth: a failed
 * write-through is reported like a failed publish, and the next warm() repairs the store.
 */
async function syncAvailability(ctx: CatalogContext, update: (store: CatalogContext['availability']) => Promise<void>): Promise<void> {
  try {
    await update(ctx.availability);
  } catch {
    throw new UnavailableError('the change was saved, but the availability store could not be updated');
  }
}

async function setStocks(ctx: CatalogContext, items: { productId: string; quantity: number }[]) {
  if (!items.length) return [];
  const ids = items.map((i) => i.productId);
  const unknown = await ctx.store.unknownProductIds(ids);
  if (unknown.length === 1) throw new NotFoundError('Product', unknown[0]);
  if (unknown.length) throw new DomainError('NOT_FOUND', `${unknown.length} products do not exist: ${unknown.slice(0, 10).join(', ')}`, { entity: 'Product', ids: unknown });
  await ctx.store.setStocks(items);
  for (const i of items) ctx.stock.clear(i.productId).prime(i.productId, i.quantity);
  const products = await ctx.products.loadMany(ids);
  const businessOf = new Map(products.flatMap((p) => (p && !(p instanceof Error) ? [[p.id, p.business_id] as const] : [])));
  await syncAvailability(ctx, (a) => a.setStock(items.filter((i) => businessOf.has(i.productId)).map((i) => ({ ...i, businessId: businessOf.get(i.productId)! }))));
  await notify(ctx, 'stock.changed', { productIds: ids });
  return products;
}

export const Mutation = {
  createBusiness: async (_: unknown, { input }: { input: CreateBusinessInput }, ctx: CatalogContext) => {
    const row = await ctx.store.createBusiness({
      id: input.id === undefined || input.id === null ? newId('b') : v.id(input.id),
      vertical: v.vertical(input.vertical),
      name: v.text(input.name, 'name', 500),
      city: v.optionalText(input.city, 'city', 200),
      lat: v.latitude(input.lat),
      lon: v.longitude(input.lon),
      isOpen: input.isOpen ?? true,
    });
    await syncAvailability(ctx, (a) => a.setBusinessOpen(row.id, row.is_open));
    await notify(ctx, 'business.changed', { businessIds: [row.id] });
    return row;
  },

  updateBusiness: async (_: unknown, { id, input }: { id: string; input: UpdateBusinessInput }, ctx: CatalogContext) => {
    const patch: BusinessPatch = {};
    if (input.vertical !== undefined) patch.vertical = v.vertical(required(input.vertical, 'vertical'));
    if (input.name !== undefined) patch.name = v.text(required(input.name, 'name'), 'name', 500);
    if (input.city !== undefined) patch.city = v.optionalText(input.city, 'city', 200);
    if (input.lat !== undefined) patch.lat = v.latitude(input.lat);
    if (input.lon !== undefined) patch.lon = v.longitude(input.lon);
    if (input.isOpen !== undefined) patch.isOpen = required(input.isOpen, 'isOpen');
    const row = await ctx.store.updateBusiness(id, patch);
    ctx.businesses.clear(id).prime(id, row);
    if (patch.isOpen !== undefined) await syncAvailability(ctx, (a) => a.setBusinessOpen(id, row.is_open));
    await notify(ctx, 'business.changed', { businessIds: [id] });
    return row;
  },

  createProduct: async (_: unknown, { input }: { input: CreateProductInput }, ctx: CatalogContext) => {
    const stock = input.stock === undefined || input.stock === null ? null : v.quantity(input.stock, 'stock');
    const row = await ctx.store.createProduct({
      id: input.id === undefined || input.id === null ? newId('p') : v.id(input.id),
      businessId: v.id(input.businessId, 'businessId'),
      title: v.text(input.title, 'title', 500),
      description: (input.description ?? '').trim(),
      category: v.text(input.category, 'category', 200),
      brand: v.optionalText(input.brand, 'brand', 200),
      price: v.price(input.price),
      priceRange: input.priceRange === undefined || input.priceRange === null ? null : v.priceRange(input.priceRange),
      currency: v.currency(input.currency ?? 'AED'),
      attributes: v.attributes(input.attributes ?? []),
      stock,
      imageVector: input.imageVector ? v.imageVector(input.imageVector) : null,
    });
    ctx.stock.prime(row.id, stock ?? 0);
    // Without a stock row the product has no units: the store, knowing nothing of it, agrees.
    if (stock !== null) await syncAvailability(ctx, (a) => a.setStock([{ productId: row.id, quantity: stock, businessId: row.business_id }]));
    await notify(ctx, 'product.created', { productIds: [row.id] });
    if (stock !== null) await notify(ctx, 'stock.changed', { productIds: [row.id] });
    return row;
  },

  updateProduct: async (_: unknown, { id, input }: { id: string; input: UpdateProductInput }, ctx: CatalogContext) => {
    const patch: ProductPatch = {};
    if (input.title !== undefined) patch.title = v.text(required(input.title, 'title'), 'title', 500);
    if (input.description !== undefined) patch.description = (input.description ?? '').trim();
    if (input.category !== undefined) patch.category = v.text(required(input.category, 'category'), 'category', 200);
    if (input.brand !== undefined) patch.brand = v.optionalText(input.brand, 'brand', 200);
    if (input.price !== undefined) patch.price = v.price(required(input.price, 'price'));
    if (input.priceRange !== undefined) patch.priceRange = v.priceRange(required(input.priceRange, 'priceRange'));
    if (input.currency !== undefined) patch.currency = v.currency(required(input.currency, 'currency'));
    if (input.attributes !== undefined) patch.attributes = v.attributes(input.attributes ?? []);
    if (input.imageVector !== undefined) patch.imageVector = v.imageVector(required(input.imageVector, 'imageVector') ?? []);
    const row = await ctx.store.updateProduct(id, patch);
    ctx.products.clear(id).prime(id, row);
    await notify(ctx, 'product.changed', { productIds: [id] });
    return row;
  },

  setStock: async (_: unknown, args: { productId: string; quantity: number }, ctx: CatalogContext) => {
    const [product] = await setStocks(ctx, [{ productId: v.id(args.productId, 'productId'), quantity: v.quantity(args.quantity) }]);
    if (product instanceof Error) throw product;
    return product;
  },

  setStocks: async (_: unknown, args: { items: { productId: string; quantity: number }[] }, ctx: CatalogContext) => {
    const products = await setStocks(ctx, v.stockBatch(args.items));
    for (const p of products) if (p instanceof Error) throw p;
    return products;
  },
};
