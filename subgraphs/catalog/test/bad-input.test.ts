import { BACKENDS } from '@souk/testing';
import { errorCode, seed, startHarness, type Harness } from './harness';

// Each bad request is answered with a coded GraphQL error, and what was stored before is still
// there, unchanged: the snapshot of every catalog table is compared after each case.

describe.each(BACKENDS)('catalog bad input (%s)', (backend) => {
  let h: Harness;
  let before: unknown;
  const snapshot = async () => ({
    businesses: await h.db.query('SELECT id, vertical, name, city, is_open, dedup_key, updated_at FROM businesses ORDER BY id'),
    products: await h.db.query('SELECT id, title, price, price_range, attributes, dedup_key, updated_at FROM products ORDER BY id'),
    stock: await h.db.query('SELECT product_id, quantity, updated_at FROM stock ORDER BY product_id'),
    images: await h.db.query('SELECT product_id FROM product_images ORDER BY product_id'),
  });

  beforeAll(async () => {
    h = await startHarness(backend);
    await seed(h.db, 3, 4);
    before = await snapshot();
  });
  afterEach(async () => {
    expect(await snapshot()).toEqual(before);
    expect(await h.takeEvents()).toEqual([]);
  });
  afterAll(() => h.close());

  const createProduct = (input: Record<string, unknown>) =>
    h.gql(`mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`, {
      input: { businessId: 'b_001', title: 'New thing', category: 'snacks', price: 1, ...input },
    });

  it('rejects an invalid vertical value', async () => {
    const res = await h.gql(`mutation ($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }`, {
      input: { vertical: 'PHARMACY', name: 'Chemist', city: 'Dubai' },
    });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/PHARMACY/);
  });

  it('rejects a negative price on create and on update', async () => {
    expect(errorCode(await createProduct({ price: -1 }))).toBe('BAD_USER_INPUT');
    const res = await h.gql(`mutation { updateProduct(id: "p_001_001", input: { price: -0.01, title: "Renamed" }) { id } }`);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toBe('price');
  });

  it('rejects an empty title and a wrong-sized image vector', async () => {
    expect(errorCode(await createProduct({ title: '   ' }))).toBe('BAD_USER_INPUT');
    const res = await createProduct({ imageVector: [0.1, 0.2, 0.3] });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/1280/);
  });

  it('answers an unknown product in updateProduct and setStock with NOT_FOUND', async () => {
    const update = await h.gql(`mutation { updateProduct(id: "p_nope", input: { price: 3 }) { id } }`);
    expect(errorCode(update)).toBe('NOT_FOUND');
    expect(update.errors![0].extensions!.id).toBe('p_nope');
    expect(errorCode(await h.gql(`mutation { setStock(productId: "p_nope", quantity: 3) { id } }`))).toBe('NOT_FOUND');
  });

  it('answers a product for an unknown business with NOT_FOUND', async () => {
    expect(errorCode(await createProduct({ businessId: 'b_nope' }))).toBe('NOT_FOUND');
  });

  it('rejects a whole stock batch when one product is unknown', async () => {
    const res = await h.gql(`mutation ($items: [StockInput!]!) { setStocks(items: $items) { id } }`, {
      items: [
        { productId: 'p_001_001', quantity: 50 },
        { productId: 'p_nope', quantity: 1 },
      ],
    });
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('rejects an oversized stock batch', async () => {
    const items = Array.from({ length: 501 }, () => ({ productId: 'p_001_001', quantity: 1 }));
    const res = await h.gql(`mutation ($items: [StockInput!]!) { setStocks(items: $items) { id } }`, { items });
    expect(errorCode(res)).toBe('BATCH_TOO_LARGE');
    expect(res.errors![0].extensions).toMatchObject({ size: 501, max: 500 });
  });

  it('rejects negative stock', async () => {
    expect(errorCode(await h.gql(`mutation { setStock(productId: "p_001_001", quantity: -1) { id } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await createProduct({ stock: -5 }))).toBe('BAD_USER_INPUT');
  });

  it('refuses a business renamed onto another one', async () => {
    const res = await h.gql(`mutation { updateBusiness(id: "b_001", input: { name: "SHOP  2" }) { id } }`);
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.existingId).toBe('b_002');
  });

  it('refuses a product id that is taken', async () => {
    const res = await createProduct({ id: 'p_002_001', businessId: 'b_001' });
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.existingId).toBe('p_002_001');
  });

  it('rejects page sizes outside 1..100', async () => {
    expect(errorCode(await h.gql(`{ products(first: 0) { nodes { id } } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.gql(`{ businesses(first: 101) { nodes { id } } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.gql(`{ searchProducts(query: "item", first: 500) { id } }`))).toBe('BAD_USER_INPUT');
  });

  it('answers an unknown id in a query with null, not an error', async () => {
    const res = await h.gql(`{ product(id: "p_nope") { id } business(id: "b_nope") { id } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ product: null, business: null });
  });
});
