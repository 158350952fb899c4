import { BACKENDS } from '@souk/testing';
import { seed, startHarness, type Harness } from './harness';

// The N+1 guard: however many products a response holds, resolving their business and stock
// costs one query each (DataLoader), so the statement count stays flat as the page grows.

const PRODUCT_FIELDS = 'id title stock stockStatus business { id name vertical }';

describe.each(BACKENDS)('catalog N+1 guard (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(backend);
    await seed(h.db, 10, 5); // 50 products over 10 businesses
  });
  afterAll(() => h.close());

  async function countQueries(query: string, variables?: Record<string, unknown>) {
    const before = h.db.queryCount;
    const res = await h.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return { res, queries: h.db.queryCount - before };
  }

  const entities = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { ${PRODUCT_FIELDS} } } }`;
  const reps = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ __typename: 'Product', id: `p_${String(1 + Math.floor(i / 5)).padStart(3, '0')}_${String(1 + (i % 5)).padStart(3, '0')}` }));

  it('resolves 50 product entities with business and stock in 3 queries', async () => {
    const { res, queries } = await countQueries(entities, { reps: reps(50) });
    const nodes = res.data!._entities as { id: string; business: { id: string }; stock: number }[];
    expect(nodes).toHaveLength(50);
    expect(nodes.every((p) => p.business.id === `b_${p.id.slice(2, 5)}`)).toBe(true);
    expect(queries).toBe(3); // products, businesses, stock
  });

  it('costs the same for 5 entities as for 50', async () => {
    const small = await countQueries(entities, { reps: reps(5) });
    const large = await countQueries(entities, { reps: reps(50) });
    expect(large.queries).toBe(small.queries);
  });

  it('lists 50 products with business and stock in 3 queries', async () => {
    const { res, queries } = await countQueries(`{ products(first: 50) { nodes { ${PRODUCT_FIELDS} } pageInfo { hasNextPage } } }`);
    expect(res.data!.products.nodes).toHaveLength(50);
    expect(res.data!.products.pageInfo.hasNextPage).toBe(false);
    expect(queries).toBe(3); // page, businesses, stock
  });

  it("lists businesses with their products' stock in 3 queries", async () => {
    const { res, queries } = await countQueries(`{ businesses(first: 10) { nodes { id products(first: 5) { nodes { id stock } } } } }`);
    const nodes = res.data!.businesses.nodes as { id: string; products: { nodes: { id: string }[] } }[];
    expect(nodes).toHaveLength(10);
    expect(nodes.every((b) => b.products.nodes.length === 5 && b.products.nodes.every((p) => p.id.startsWith(`p_${b.id.slice(2)}`)))).toBe(true);
    expect(queries).toBe(3); // page, products of all businesses, stock
  });
});
