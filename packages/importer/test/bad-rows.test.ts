import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { counts, csv, jsonl, rejectionLines, run, tempDir } from './helpers';

const PRODUCTS = csv(
  ['id', 'title', 'description', 'metadata', 'price'],
  [
    ['p1', 'Almarai Milk 1L', 'Fresh', { brand: 'Almarai', catalog_id: 'c1', category: 'dairy' }, '6.50'],
    ['p2', 'Bread', '', { brand: 'Lusine', catalog_id: 'c1' }, 'abc'], // line 3: bad price
    ['p3', 'Eggs', '', '{"catalog_id": "c1"', '12'], // line 4: broken JSON
    ['p4', '', '', { catalog_id: 'c1' }, '3'], // line 5: no title
    ['p5', 'Orphan', '', { brand: 'X' }, '3'], // line 6: no business at all
    ['p6', 'Laban 500ml', '', { catalog_id: 'c1', category: 'dairy' }, ''], // good, price absent
  ],
);

const EVENTS = csv(
  ['buyer_id', 'product_id', 'event_type', 'timestamp', 'rating', 'query'],
  [
    ['alice', 'p1', 'View', '2025-05-01T10:00:00Z', '', ''],
    ['alice', 'p1', 'Teleport', '2025-05-01T10:00:00Z', '', ''], // line 3
    ['bob', 'p1', 'purchase', 'yesterday', '', ''], // line 4
    ['bob', 'p404', 'purchase', '1746093600', '', ''], // line 5: unknown product
    ['', 'p1', 'view', '1746093600', '', ''], // line 6: no user
    ['bob', 'p1', 'review', '1746093600000', '9', ''], // line 7: rating out of range
    ['bob', '', 'search', '1746093600', '', ''], // line 8: search without query
    ['bob', 'p6', 'add_to_cart', '2025-05-02 08:00:00 UTC', '', ''],
    ['carol', '', 'Search', '2025-05-02T08:00:00+04:00', '', 'milk'],
  ],
) + 'dave,p1,view\n'; // line 11: too few fields

describe.each(BACKENDS)('a file with bad rows (%s)', (backend) => {
  let t: TestDb;
  const files = tempDir();
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('rejects each bad row with its line and reason, and keeps the good ones', async () => {
    const report = await run(t.db, [files.write('events.csv', EVENTS), files.write('products.csv', PRODUCTS)]);
    expect(rejectionLines(report)).toEqual([
      'products.csv:3: price "abc" is not a price (a number from 0 up, like 12.50)',
      expect.stringMatching(/^products\.csv:4: metadata is not valid JSON/),
      'products.csv:5: title or name or product_name is missing',
      'products.csv:6: names no business: give business_id, business (a name) or metadata.catalog_id',
      'events.csv:3: event_type "Teleport" is not one of View, PageView, ProductView, Click, AddToCart, Cart, Purchase, Transaction, Order, Save, Wishlist, Like, Review, Search, Impression',
      'events.csv:4: timestamp "yesterday" is not a time (use ISO 8601 or unix seconds/milliseconds, 1990-2100)',
      'events.csv:5: product_id "p404" is not a known product of source "default" (import its products first)',
      'events.csv:6: buyer_id or distinct_id or user_id or customer_id is missing',
      'events.csv:7: rating "9" is not a whole number from 1 to 5',
      'events.csv:8: a search event needs a query',
      'events.csv:11: has 3 fields but the header has 6',
    ]);
    expect(report.failedFiles).toBe(0);
    const byKind = Object.fromEntries(report.files.map((f) => [f.kind, f]));
    expect(byKind.products).toMatchObject({ rows: 6, imported: 2, created: 2 });
    expect(byKind.events).toMatchObject({ rows: 10, imported: 3, created: 3 });

    const products = await t.db.query<{ title: string; price: number; category: string }>('SELECT title, price, category FROM products ORDER BY title');
    expect(products).toEqual([
      { title: 'Almarai Milk 1L', price: 6.5, category: 'dairy' },
      { title: 'Laban 500ml', price: 0, category: 'dairy' },
    ]);
    const events = await t.db.query<{ type: string; occurred_at: Date }>('SELECT type, occurred_at FROM interactions ORDER BY occurred_at, type');
    expect(events.map((e) => [e.type, e.occurred_at.toISOString()])).toEqual([
      ['VIEW', '2025-05-01T10:00:00.000Z'],
      ['SEARCH', '2025-05-02T04:00:00.000Z'],
      ['ADD_TO_CART', '2025-05-02T08:00:00.000Z'],
    ]);
    // Every product got an explicit stock row (quantity unknown = 0, out of stock).
    expect(await t.db.query('SELECT quantity FROM stock')).toEqual([{ quantity: 0 }, { quantity: 0 }]);
  });

  it('a later file with bad rows loses nothing stored before', async () => {
    const before = await counts(t.db);
    const milkBefore = await t.db.query("SELECT * FROM products WHERE title = 'Almarai Milk 1L'");
    const report = await run(t.db, [
      files.write(
        'products2.csv',
        csv(['id', 'title', 'metadata', 'price'], [['p1', 'Almarai Milk 1L', { catalog_id: 'c1' }, '-4'], ['p9', 'Bad', 'not json', '1']]),
      ),
      // A NUL byte passes validation but PostgreSQL refuses it: the batch is split until that row
      // stands alone, and the rows beside it in the same batch are still stored.
      files.write(
        'more-events.jsonl',
        jsonl([
          { buyer_id: 'erin', product_id: 'p1', event_type: 'view', timestamp: '2025-06-01T00:00:00Z' },
          { buyer_id: 'erin', product_id: 'p1', event_type: 'review', timestamp: '2025-06-01T00:01:00Z', review_text: 'bad\u0000byte' },
          { buyer_id: 'erin', product_id: 'p6', event_type: 'purchase', timestamp: '2025-06-01T00:02:00Z' },
        ]),
      ),
    ]);
    expect(rejectionLines(report)).toEqual([
      'products2.csv:2: price "-4" is not a price (a number from 0 up, like 12.50)',
      expect.stringMatching(/^products2\.csv:3: metadata is not valid JSON/),
      expect.stringMatching(/^more-events\.jsonl:2: refused by the database: .*0x00/),
    ]);
    const after = await counts(t.db);
    expect(after).toEqual({ ...before, interactions: before.interactions + 2, users: before.users + 1 });
    expect(await t.db.query("SELECT * FROM products WHERE title = 'Almarai Milk 1L'")).toEqual(milkBefore);
  });

  it('reports an unreadable file as an error and still imports the others', async () => {
    const report = await run(t.db, [files.dir + '/missing.csv', files.write('products3.csv', csv(['id', 'title', 'metadata'], [['p7', 'Tea', { catalog_id: 'c1' }]]))]);
    expect(report.failedFiles).toBe(1);
    expect(report.files.find((f) => f.error)?.error).toMatch(/cannot read .*missing\.csv: ENOENT/);
    expect(report.imported).toBe(1);
  });

  it('refuses a CSV whose header lacks a required column, as a file error', async () => {
    const report = await run(t.db, [files.write('events-nouser.csv', csv(['product_id', 'event_type', 'timestamp'], [['p1', 'view', '1746093600']]))]);
    expect(report.files[0].error).toBe('events-nouser.csv: the header has no buyer_id or distinct_id or user_id or customer_id column');
  });
});
