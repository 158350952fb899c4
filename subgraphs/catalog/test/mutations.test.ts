import { fromVector } from '@souk/db';
import { BACKENDS } from '@souk/testing';
import { errorCode, startHarness, type Harness } from './harness';

const CREATE_BUSINESS = `mutation ($input: CreateBusinessInput!) { createBusiness(input: $input) { id vertical name isOpen location { city lat lon } createdAt } }`;
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) {
  createProduct(input: $input) { id title description category brand price priceRange currency attributes { name value } stock inStock stockStatus business { id } }
}`;

describe.each(BACKENDS)('catalog mutations (%s)', (backend) => {
  let h: Harness;
  let businessId: string;
  beforeAll(async () => {
    h = await startHarness(backend);
  });
  afterAll(() => h.close());

  it('creates a business with a generated id and announces it', async () => {
    const res = await h.gql(CREATE_BUSINESS, { input: { vertical: 'SUPERMARKET', name: 'Al Safa  Market', city: 'Dubai', lat: 25.2, lon: 55.3 } });
    expect(res.errors).toBeUndefined();
    const b = res.data!.createBusiness;
    expect(b).toMatchObject({ vertical: 'SUPERMARKET', name: 'Al Safa  Market', isOpen: true, location: { city: 'Dubai', lat: 25.2, lon: 55.3 } });
    expect(b.id).toMatch(/^b_[0-9a-f]{16}$/);
    expect(new Date(b.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    businessId = b.id;
    const [row] = await h.db.query('SELECT dedup_key FROM businesses WHERE id = $1', [businessId]);
    expect(row.dedup_key).toBe('al safa market|dubai');
    expect(await h.takeEvents()).toEqual([{ topic: 'business.changed', event: { businessIds: [businessId] } }]);
  });

  it('refuses the same business under a differently spaced and cased name, naming the existing one', async () => {
    const res = await h.gql(CREATE_BUSINESS, { input: { vertical: 'SUPERMARKET', name: ' AL SAFA market ', city: 'dubai' } });
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.existingId).toBe(businessId);
    expect(await h.db.query('SELECT id FROM businesses')).toHaveLength(1);
    expect(await h.takeEvents()).toEqual([]);
  });

  it('closes a business and announces it', async () => {
    const res = await h.gql(`mutation ($id: ID!) { updateBusiness(id: $id, input: { isOpen: false, city: "Sharjah" }) { id isOpen location { city } name } }`, { id: businessId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateBusiness).toEqual({ id: businessId, isOpen: false, location: { city: 'Sharjah' }, name: 'Al Safa  Market' });
    const [row] = await h.db.query('SELECT is_open, dedup_key FROM businesses WHERE id = $1', [businessId]);
    expect(row).toEqual({ is_open: false, dedup_key: 'al safa market|sharjah' });
    expect(await h.takeEvents()).toEqual([{ topic: 'business.changed', event: { businessIds: [businessId] } }]);
  });

  it('creates a product with stock and an image vector', async () => {
    const imageVector = Array.from({ length: 1280 }, (_, i) => i / 1280);
    const res = await h.gql(CREATE_PRODUCT, {
      input: {
        id: 'p_milk',
        businessId,
        title: 'Fresh Milk 1L',
        description: 'حليب طازج',
        category: 'dairy',
        brand: 'Al Rawabi',
        price: 6.5,
        priceRange: 2,
        attributes: [{ name: 'fat', value: 'full' }],
        stock: 3,
        imageVector,
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createProduct).toEqual({
      id: 'p_milk',
      title: 'Fresh Milk 1L',
      description: 'حليب طازج',
      category: 'dairy',
      brand: 'Al Rawabi',
      price: 6.5,
      priceRange: 2,
      currency: 'AED',
      attributes: [{ name: 'fat', value: 'full' }],
      stock: 3,
      inStock: true,
      stockStatus: 'LOW_STOCK',
      business: { id: businessId },
    });
    const [img] = await h.db.query<{ embedding: string }>('SELECT embedding::text AS embedding FROM product_images WHERE product_id = $1', ['p_milk']);
    const stored = fromVector(img.embedding);
    expect(stored).toHaveLength(1280);
    expect(stored[640]).toBeCloseTo(0.5);
    const events = await h.takeEvents();
    expect(events).toEqual([
      { topic: 'product.created', event: { productIds: ['p_milk'] } },
      { topic: 'stock.changed', event: { productIds: ['p_milk'] } },
    ]);
  });

  it('creates a product without stock as out of stock, with a price range from its category', async () => {
    const res = await h.gql(CREATE_PRODUCT, { input: { businessId, title: 'Premium Milk', category: 'dairy', price: 40 } });
    expect(res.errors).toBeUndefined();
    const p = res.data!.createProduct;
    expect(p.id).toMatch(/^p_[0-9a-f]{16}$/);
    expect(p).toMatchObject({ stock: 0, inStock: false, stockStatus: 'OUT_OF_STOCK', priceRange: 4, description: '', attributes: [] });
    expect(await h.db.query('SELECT * FROM stock WHERE product_id = $1', [p.id])).toHaveLength(0);
    expect(await h.takeEvents()).toEqual([{ topic: 'product.created', event: { productIds: [p.id] } }]);
  });

  it('refuses a second product with the same normalised title in the same business', async () => {
    const res = await h.gql(CREATE_PRODUCT, { input: { businessId, title: 'fresh   MILK 1l', category: 'dairy', price: 1, stock: 9 } });
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.existingId).toBe('p_milk');
    expect(await h.db.query('SELECT id FROM products ORDER BY id')).toHaveLength(2);
    expect(await h.takeEvents()).toEqual([]);
  });

  it('updates a product, leaving other fields alone and clearing the brand, and announces it', async () => {
    const res = await h.gql(`mutation { updateProduct(id: "p_milk", input: { price: 7.25, brand: null, title: "Fresh Milk 1 Litre" }) { id title price brand category stock } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateProduct).toEqual({ id: 'p_milk', title: 'Fresh Milk 1 Litre', price: 7.25, brand: null, category: 'dairy', stock: 3 });
    const [row] = await h.db.query('SELECT price, brand, description, dedup_key FROM products WHERE id = $1', ['p_milk']);
    expect(row).toEqual({ price: 7.25, brand: null, description: 'حليب طازج', dedup_key: `${businessId}|fresh milk 1 litre` });
    // Serving's shared popular pool holds titles and prices, and re-reads them on this event.
    expect(await h.takeEvents()).toEqual([{ topic: 'product.changed', event: { productIds: ['p_milk'] } }]);
  });

  it('sets one stock level and announces it', async () => {
    const res = await h.gql(`mutation { setStock(productId: "p_milk", quantity: 40) { id stock inStock stockStatus } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.setStock).toEqual({ id: 'p_milk', stock: 40, inStock: true, stockStatus: 'IN_STOCK' });
    expect(await h.db.query('SELECT quantity FROM stock WHERE product_id = $1', ['p_milk'])).toEqual([{ quantity: 40 }]);
    expect(await h.takeEvents()).toEqual([{ topic: 'stock.changed', event: { productIds: ['p_milk'] } }]);
  });

  it('sets a batch of stock levels, creating missing stock rows', async () => {
    const [other] = await h.db.query<{ id: string }>("SELECT id FROM products WHERE id <> 'p_milk'");
    const res = await h.gql(`mutation ($items: [StockInput!]!) { setStocks(items: $items) { id stock stockStatus } }`, {
      items: [
        { productId: 'p_milk', quantity: 0 },
        { productId: other.id, quantity: 5 },
      ],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.setStocks).toEqual([
      { id: 'p_milk', stock: 0, stockStatus: 'OUT_OF_STOCK' },
      { id: other.id, stock: 5, stockStatus: 'LOW_STOCK' },
    ]);
    const rows = await h.db.query('SELECT product_id, quantity FROM stock ORDER BY quantity');
    expect(rows).toEqual([
      { product_id: 'p_milk', quantity: 0 },
      { product_id: other.id, quantity: 5 },
    ]);
    expect(await h.takeEvents()).toEqual([{ topic: 'stock.changed', event: { productIds: ['p_milk', other.id] } }]);
  });
});
