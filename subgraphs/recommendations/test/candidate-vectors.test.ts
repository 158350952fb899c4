import { toVector } from '@souk/db';
import { createTestDb, seedSmallMarketplace, type Backend, type TestDb } from '@souk/testing';
import { CandidateVectors, VectorSlab } from '../src/pipeline/candidate-vectors';
import { cacheCount as count } from './cache-counts';

// Stage 3's candidate vectors: read from a version's table once, then from memory. The tests
// delete the rows after the first read, so that only the cache can answer the second.

const DIM = 128;
const axis = (i: number) => {
  const v = new Array<number>(DIM).fill(0);
  v[i] = 1;
  return v;
};

const cacheCount = (kind: 'hits' | 'misses') => count('candidate_vectors', kind);

describe.each<Backend>(['postgres', 'pglite'])('CandidateVectors on %s', (backend) => {
  let t: TestDb;
  let products: string[];
  beforeAll(async () => {
    t = await createTestDb(backend);
    ({ products } = await seedSmallMarketplace(t.db));
    for (const v of [7, 8, 9]) {
      await t.db.exec(`CREATE TABLE item_embeddings_v${v} (product_id text PRIMARY KEY, business_id text NOT NULL, vertical text NOT NULL, embedding vector(128) NOT NULL)`);
      for (const [i, id] of products.slice(0, 6).entries()) {
        await t.db.query(`INSERT INTO item_embeddings_v${v} VALUES ($1, 'b', 'RESTAURANT', $2)`, [id, toVector(axis(i + v))]);
      }
    }
  }, 120_000);
  afterAll(() => t.drop());

  it('reads a vector once per table, then from memory, as a copy', async () => {
    const cv = new CandidateVectors(t.db, 10);
    const [hits, misses] = [await cacheCount('hits'), await cacheCount('misses')];
    const first = await cv.read('item_embeddings_v7', [products[0], products[1], 'no-such-product']);
    expect([...first.keys()].sort()).toEqual([products[0], products[1]].sort());
    expect(Array.from(first.get(products[1])!)).toEqual(axis(8));
    await t.db.query('DELETE FROM item_embeddings_v7 WHERE product_id = ANY($1::text[])', [[products[0], products[1]]]);

    const again = await cv.read('item_embeddings_v7', [products[1], products[0]]);
    expect(Array.from(again.get(products[1])!)).toEqual(axis(8));
    expect(Array.from(again.get(products[0])!)).toEqual(axis(7));
    expect(await cacheCount('hits')).toBe(hits + 2);
    expect(await cacheCount('misses')).toBe(misses + 3);

    again.get(products[1])![8] = 42; // a request's copy: the cache keeps its own
    expect((await cv.read('item_embeddings_v7', [products[1]])).get(products[1])![8]).toBe(1);

    // Another version's table has its own vectors for the same product.
    expect(Array.from((await cv.read('item_embeddings_v8', [products[1]])).get(products[1])!)).toEqual(axis(9));
  });

  it('keeps two tables: a third takes the oldest one\'s place, and none of its vectors', async () => {
    const cv = new CandidateVectors(t.db, 10);
    await cv.read('item_embeddings_v7', [products[5]]);
    await cv.read('item_embeddings_v8', [products[5]]);
    // v9's slab is v7's, emptied: v9 reads its own rows, and v7 is read from the table again.
    expect(Array.from((await cv.read('item_embeddings_v9', [products[5]])).get(products[5])!)).toEqual(axis(14));
    const misses = await cacheCount('misses');
    expect(Array.from((await cv.read('item_embeddings_v8', [products[5]])).get(products[5])!)).toEqual(axis(13));
    expect(await cacheCount('misses')).toBe(misses); // v8 is still kept
    expect(Array.from((await cv.read('item_embeddings_v7', [products[5]])).get(products[5])!)).toEqual(axis(12));
    expect(await cacheCount('misses')).toBe(misses + 1);
  });

  it('reuses the slot written longest ago when full, and forgets changed products', async () => {
    const cv = new CandidateVectors(t.db, 2);
    for (const p of [products[2], products[3], products[4]]) await cv.read('item_embeddings_v8', [p]);
    await t.db.query('DELETE FROM item_embeddings_v8 WHERE product_id = ANY($1::text[])', [[products[2], products[3], products[4]]]);
    const got = await cv.read('item_embeddings_v8', [products[2], products[3], products[4]]);
    expect([...got.keys()].sort()).toEqual([products[3], products[4]].sort()); // products[2] was evicted, and its row is gone
    cv.forget([products[3]]);
    expect([...(await cv.read('item_embeddings_v8', [products[3], products[4]])).keys()]).toEqual([products[4]]);
  });
});

describe('VectorSlab', () => {
  it('empties on reset, for vectors as wide or of another width', () => {
    const s = new VectorSlab(2);
    s.set('a', new Float32Array([1, 2]));
    s.set('b', new Float32Array([3, 4]));
    s.reset();
    expect(s.size).toBe(0);
    expect(s.get('a')).toBeUndefined();
    s.set('c', new Float32Array([5, 6]));
    s.set('d', new Float32Array([7, 8]));
    s.set('e', new Float32Array([9, 10])); // full again: the slot written longest ago (c's) goes
    expect([s.get('c'), Array.from(s.get('d')!), Array.from(s.get('e')!)]).toEqual([undefined, [7, 8], [9, 10]]);
    s.reset();
    s.set('f', new Float32Array([1, 2, 3]));
    expect(Array.from(s.get('f')!)).toEqual([1, 2, 3]);
  });

  it('refuses a vector of another width and a capacity under one', () => {
    const s = new VectorSlab(2);
    s.set('a', new Float32Array([1, 2]));
    expect(() => s.set('b', new Float32Array([1, 2, 3]))).toThrow('vector of 3 for b in a slab of 2');
    expect(() => new VectorSlab(0)).toThrow('capacity must be at least 1');
    s.set('a', new Float32Array([3, 4])); // the same product again: its slot is rewritten, none is taken
    expect(s.size).toBe(1);
    expect(Array.from(s.get('a')!)).toEqual([3, 4]);
  });
});
