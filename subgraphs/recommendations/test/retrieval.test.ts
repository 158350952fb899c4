import { toVector } from '@souk/db';
import { createTestDb, seedSmallMarketplace, type Backend, type TestDb } from '@souk/testing';
import { ProductFactsCache } from '../src/pipeline/product-facts';
import { embeddings, retrieve } from '../src/pipeline/retrieval';
import { withBudget, BudgetExceededError } from '../src/pipeline/budget';
import { cacheCount } from './cache-counts';

// Stage 1's pgvector query on both backends: nearest first, filters by vertical (HNSW with
// iterative scan) and business (exact), product facts from ProductFactsCache.
// seedSmallMarketplace: 3 verticals x 2 businesses x 5 products p_<v>_<b>_<n>.

const DIM = 128;
function unit(i: number): number[] {
  // Product i points mostly along axis i, so the nearest product to axis j is product j.
  const v = new Array<number>(DIM).fill(0.01);
  v[i] = 1;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe.each<Backend>(['postgres', 'pglite'])('retrieve on %s', (backend) => {
  let t: TestDb;
  let products: string[];
  beforeAll(async () => {
    t = await createTestDb(backend);
    ({ products } = await seedSmallMarketplace(t.db));
    await t.db.exec(`CREATE TABLE item_embeddings_v7 (product_id text PRIMARY KEY, business_id text NOT NULL, vertical text NOT NULL, embedding vector(128) NOT NULL);
      CREATE INDEX ON item_embeddings_v7 USING hnsw (embedding vector_cosine_ops)`);
    for (const [i, id] of products.entries()) {
      const [, v, b] = id.split('_');
      await t.db.query('INSERT INTO item_embeddings_v7 VALUES ($1, $2, $3, $4)', [id, `b_${v}_${b}`, ['RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'][Number(v)], toVector(unit(i))]);
    }
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) VALUES ($1, 42, 3)`, [products[7]]);
  }, 120_000);
  afterAll(() => t.drop());

  it('returns the nearest products first, with their facts', async () => {
    const got = await retrieve(t.db, 'item_embeddings_v7', Float32Array.from(unit(7)), { k: 5, efSearch: 100, vertical: null, businessId: null }, new ProductFactsCache(t.db));
    expect(got).toHaveLength(5);
    expect(got[0]).toMatchObject({ productId: products[7], businessId: 'b_0_1', category: 'Bakery', brand: 'Brand', price: 7, popularity: 42 });
    expect(got[0].towerScore).toBeCloseTo(1, 5);
    expect(got[0].createdAt).toBeInstanceOf(Date);
    for (let i = 1; i < got.length; i++) expect(got[i].towerScore).toBeLessThanOrEqual(got[i - 1].towerScore);
  });

  it('reads the vectors of the candidates Stage 2 kept, and leaves out products without one', async () => {
    const got = await embeddings(t.db, 'item_embeddings_v7', [products[7], products[3], 'no-such-product']);
    expect([...got.keys()].sort()).toEqual([products[3], products[7]].sort());
    expect(Array.from(got.get(products[7])!).map((x) => +x.toFixed(5))).toEqual(unit(7).map((x) => +x.toFixed(5)));
    await expect(embeddings(t.db, 'users', [products[7]])).rejects.toThrow(/not an embedding table/);
  });

  it('keeps to a vertical even when the nearest products are elsewhere', async () => {
    // Nearest to product 0 (a restaurant's), but only supermarket products may come back.
    const got = await retrieve(t.db, 'item_embeddings_v7', Float32Array.from(unit(0)), { k: 10, efSearch: 40, vertical: 'SUPERMARKET', businessId: null }, new ProductFactsCache(t.db));
    expect(got).toHaveLength(10);
    expect(got.every((c) => c.productId.startsWith('p_2_'))).toBe(true);
  });

  it('scores a single business exactly', async () => {
    const got = await retrieve(t.db, 'item_embeddings_v7', Float32Array.from(unit(12)), { k: 50, efSearch: 40, vertical: null, businessId: 'b_1_0' }, new ProductFactsCache(t.db));
    expect(got.map((c) => c.productId).sort()).toEqual(['p_1_0_0', 'p_1_0_1', 'p_1_0_2', 'p_1_0_3', 'p_1_0_4']);
    expect(got[0].productId).toBe(products[12]); // p_1_0_2: its own vector
  });

  it('reads product facts once, then again after the product changes or the entry ages out', async () => {
    let now = 1_000;
    const facts = new ProductFactsCache(t.db, { ttlMs: 30_000, maxEntries: 100 }, () => now);
    const id = products[3];
    const price = async () => (await facts.get([id])).get(id)?.price;
    const first = await price();
    expect(first).toBeGreaterThan(0);
    await t.db.query('UPDATE products SET price = $2 WHERE id = $1', [id, first! + 100]);
    expect(await price()).toBe(first); // held: no database read
    facts.forget([id]); // the catalog's product.changed
    expect(await price()).toBe(first! + 100);
    await t.db.query('UPDATE products SET price = $2 WHERE id = $1', [id, first]);
    now += 29_000;
    expect(await price()).toBe(first! + 100);
    now += 2_000; // past the TTL: popularity and a missed event are bounded by it
    expect(await price()).toBe(first);
  });

  it('counts product-fact lookups as cache hits and misses', async () => {
    const [hits, misses] = [await cacheCount('product_facts', 'hits'), await cacheCount('product_facts', 'misses')];
    const facts = new ProductFactsCache(t.db);
    await facts.get([products[0], products[1]]);
    await facts.get([products[0], products[1], products[2]]);
    expect(await cacheCount('product_facts', 'hits')).toBe(hits + 2);
    expect(await cacheCount('product_facts', 'misses')).toBe(misses + 3);
  });

  it('drops the products read longest ago past its size, and leaves out products that do not exist', async () => {
    const facts = new ProductFactsCache(t.db, { ttlMs: 60_000, maxEntries: 3 });
    const got = await facts.get([...products.slice(0, 5), 'no-such-product']);
    expect(got.size).toBe(5);
    expect(facts.size).toBe(3);
    await t.db.query('INSERT INTO item_embeddings_v7 VALUES ($1, $2, $3, $4)', ['p_ghost', 'b_0_0', 'RESTAURANT', toVector(unit(20))]);
    try {
      const near = await retrieve(t.db, 'item_embeddings_v7', Float32Array.from(unit(20)), { k: 3, efSearch: 40, vertical: null, businessId: null }, facts);
      expect(near).toHaveLength(2); // the vector's product has no row in products: not served, as the join did
      expect(near.map((c) => c.productId)).not.toContain('p_ghost');
    } finally {
      await t.db.query("DELETE FROM item_embeddings_v7 WHERE product_id = 'p_ghost'");
    }
  });

  it('refuses a table name that is not an embedding table', async () => {
    await expect(retrieve(t.db, 'products; DROP TABLE users', new Float32Array(DIM), { k: 5, efSearch: 40, vertical: null, businessId: null }, new ProductFactsCache(t.db))).rejects.toThrow(/not an embedding table/);
  });
});

describe('withBudget', () => {
  it('passes a result through in time and raises BudgetExceededError when late', async () => {
    await expect(withBudget('fast', 50, Promise.resolve(3))).resolves.toBe(3);
    const slow = new Promise((r) => setTimeout(() => r('late'), 200));
    await expect(withBudget('slow', 20, slow)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(withBudget('failing', 50, Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
