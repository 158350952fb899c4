import { BACKENDS } from '@souk/testing';
import { seed, startHarness, type Harness } from './harness';

describe.each(BACKENDS)('catalog queries (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
    await seed(h.db, 6, 5); // b_001..b_006 cycle RESTAURANT, CONVENIENCE, SUPERMARKET
  });
  afterAll(() => h.close());

  it('walks every product page by page with keyset cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: any = await h.gql(`query ($after: String) { products(first: 7, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }`, { after });
      expect(res.errors).toBeUndefined();
      const { nodes, pageInfo } = res.data.products;
      seen.push(...nodes.map((n: { id: string }) => n.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen).toEqual([...seen].sort());
  });

  it('filters by vertical, business, category and stock', async () => {
    const ids = async (filter: Record<string, unknown>) => {
      const res = await h.gql(`query ($filter: ProductFilter) { products(filter: $filter, first: 100) { nodes { id inStock business { vertical } category } } }`, { filter });
      expect(res.errors).toBeUndefined();
      return res.data!.products.nodes as { id: string; inStock: boolean; business: { vertical: string }; category: string }[];
    };
    const supermarket = await ids({ vertical: 'SUPERMARKET' });
    expect(supermarket).toHaveLength(10);
    expect(supermarket.every((p) => p.business.vertical === 'SUPERMARKET')).toBe(true);
    expect((await ids({ businessId: 'b_002', category: 'dairy' })).map((p) => p.id)).toEqual(['p_002_002', 'p_002_004']);
    // stock is (n * 3) % 8 for product n: n = 1..5 gives 3, 6, 1, 4, 7; none is 0 but we zero one.
    await h.db.query(`UPDATE stock SET quantity = 0 WHERE product_id = 'p_003_001'`);
    await h.db.query(`DELETE FROM stock WHERE product_id = 'p_003_002'`);
    const inStock = await ids({ businessId: 'b_003', inStockOnly: true });
    expect(inStock.map((p) => p.id)).toEqual(['p_003_003', 'p_003_004', 'p_003_005']);
    expect(inStock.every((p) => p.inStock)).toBe(true);
  });

  it("pages through one business's products", async () => {
    const q = `query ($after: String) { business(id: "b_004") { name vertical isOpen location { city } products(first: 3, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } } }`;
    const first = await h.gql(q);
    expect(first.errors).toBeUndefined();
    expect(first.data!.business).toMatchObject({ name: 'Shop 4', vertical: 'RESTAURANT', isOpen: true, location: { city: 'Dubai' } });
    expect(first.data!.business.products).toEqual({
      nodes: [{ id: 'p_004_001' }, { id: 'p_004_002' }, { id: 'p_004_003' }],
      pageInfo: { endCursor: 'p_004_003', hasNextPage: true },
    });
    const second = await h.gql(q, { after: 'p_004_003' });
    expect(second.data!.business.products).toEqual({ nodes: [{ id: 'p_004_004' }, { id: 'p_004_005' }], pageInfo: { endCursor: 'p_004_005', hasNextPage: false } });
  });

  it('lists businesses of a vertical', async () => {
    const res = await h.gql(`{ businesses(vertical: CONVENIENCE, first: 1) { nodes { id } pageInfo { endCursor hasNextPage } } }`);
    expect(res.data!.businesses).toEqual({ nodes: [{ id: 'b_002' }], pageInfo: { endCursor: 'b_002', hasNextPage: true } });
  });

  it('resolves product and business entities, with attributes and stock status', async () => {
    const res = await h.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) {
         ... on Product { id price priceRange currency attributes { name value } stock stockStatus createdAt }
         ... on Business { id name }
       } }`,
      { reps: [{ __typename: 'Product', id: 'p_001_003' }, { __typename: 'Business', id: 'b_005' }, { __typename: 'Product', id: 'p_missing' }] },
    );
    expect(res.errors).toBeUndefined();
    const [product, business, missing] = res.data!._entities;
    expect(product).toMatchObject({ id: 'p_001_003', price: 4.5, priceRange: 4, currency: 'AED', attributes: [{ name: 'size', value: '1L' }], stock: 1, stockStatus: 'LOW_STOCK' });
    expect(Number.isNaN(Date.parse(product.createdAt))).toBe(false);
    expect(business).toEqual({ id: 'b_005', name: 'Shop 5' });
    expect(missing).toBeNull();
  });
});
