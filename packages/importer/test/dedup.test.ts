import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { csv, jsonl, run, tempDir } from './helpers';

// Two feeds describe the same shop and products under their own ids and spellings.
const SHOP_A_PRODUCTS = csv(
  ['id', 'title', 'metadata', 'price', 'business', 'city'],
  [
    ['A-1', 'Almarai Full-Fat Milk 1L', { brand: 'Almarai', category: 'dairy' }, '6.50', 'Carrefour Mall of the Emirates', 'Dubai'],
    ['A-2', 'حليب المراعي كامل الدسم', { brand: 'المراعي', category: 'dairy' }, '6.50', 'Carrefour Mall of the Emirates', 'Dubai'],
    ['A-3', 'Almarai Laban 1L', { brand: 'Almarai', category: 'dairy' }, '5', 'Carrefour Mall of the Emirates', 'Dubai'],
  ],
);
const SHOP_B_PRODUCTS = jsonl([
  // Case, punctuation and spacing differ; the Arabic one has diacritics, a hamza on the alef and a tatweel.
  { product_id: '991', title: 'ALMARAI  full fat milk, 1L', description: 'Fresh cow milk', metadata: { business: 'carrefour mall-of-the-emirates', city: 'DUBAI', price: 6.75 } },
  { product_id: '992', title: 'حَليب ألمراعي كامل الدسـم', metadata: { business: 'Carrefour Mall of the Emirates', city: 'dubai' } },
]);

describe.each(BACKENDS)('a product from two sources (%s)', (backend) => {
  let t: TestDb;
  const files = tempDir();
  beforeAll(async () => {
    t = await createTestDb(backend);
    await run(t.db, [files.write('products-a.csv', SHOP_A_PRODUCTS)], { source: 'shop-a' });
    await run(t.db, [files.write('products-b.jsonl', SHOP_B_PRODUCTS)], { source: 'shop-b' });
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('is one product, with both ids recorded', async () => {
    expect(await t.db.query('SELECT count(*)::int AS n FROM businesses')).toEqual([{ n: 1 }]);
    const products = await t.db.query<{ id: string; title: string; price: number; description: string }>(
      'SELECT id, title, price, description FROM products ORDER BY title',
    );
    expect(products.map((p) => p.title)).toEqual(['Almarai Full-Fat Milk 1L', 'Almarai Laban 1L', 'حليب المراعي كامل الدسم']);
    const milk = products[0];
    // The second source filled in what it knew: its description and price.
    expect(milk).toMatchObject({ price: 6.75, description: 'Fresh cow milk' });
    const ids = await t.db.query<{ source: string; external_id: string; internal_id: string }>(
      "SELECT source, external_id, internal_id FROM external_ids WHERE entity = 'product' ORDER BY source, external_id",
    );
    expect(ids).toEqual([
      { source: 'shop-a', external_id: 'A-1', internal_id: milk.id },
      { source: 'shop-a', external_id: 'A-2', internal_id: products[2].id },
      { source: 'shop-a', external_id: 'A-3', internal_id: products[1].id },
      { source: 'shop-b', external_id: '991', internal_id: milk.id },
      { source: 'shop-b', external_id: '992', internal_id: products[2].id },
    ]);
  });

  it('resolves events under either id to the one product', async () => {
    await run(t.db, [files.write('events-a.csv', csv(['buyer_id', 'product_id', 'event_type', 'timestamp'], [['u1', 'A-1', 'purchase', '2025-05-01T10:00:00Z']]))], {
      source: 'shop-a',
    });
    const report = await run(
      t.db,
      [files.write('events-b.jsonl', jsonl([{ buyer_id: 'u2', product_id: '991', event_type: 'add_to_cart', timestamp: '2025-05-01T11:00:00Z' }]))],
      { source: 'shop-b' },
    );
    expect(report.rejected).toBe(0);
    const rows = await t.db.query<{ product_id: string; title: string; business_id: string; events: number }>(
      `SELECT i.product_id, p.title, i.business_id, pp.events FROM interactions i JOIN products p ON p.id = i.product_id
       JOIN product_popularity pp ON pp.product_id = p.id ORDER BY i.occurred_at`,
    );
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.product_id)).size).toBe(1);
    expect(rows[0]).toMatchObject({ title: 'Almarai Full-Fat Milk 1L', events: 2 });
  });

  it('an id unknown to the event file’s source is not borrowed from another source', async () => {
    const report = await run(t.db, [files.write('events-c.csv', csv(['buyer_id', 'product_id', 'event_type', 'timestamp'], [['u3', '991', 'view', '1746093600']]))], {
      source: 'shop-a',
    });
    expect(report.files[0].rejected.map((r) => r.reason)).toEqual(['product_id "991" is not a known product of source "shop-a" (import its products first)']);
  });
});
