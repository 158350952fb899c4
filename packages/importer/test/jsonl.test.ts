import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { jsonl, rejectionLines, run, tempDir } from './helpers';

describe.each(BACKENDS)('JSONL import of each entity (%s)', (backend) => {
  let t: TestDb;
  const files = tempDir();
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('imports users, businesses, products and events, each kind from its file name', async () => {
    const report = await run(
      t.db,
      [
        files.write(
          'events.jsonl',
          jsonl([
            { distinct_id: 'u-1', product_id: 'burger', event_name: 'Impression', timestamp: 1746093600, session_id: 's1', device: 'iOS' },
            { distinct_id: 'u-1', product_id: 'burger', event_name: 'wishlist', timestamp: 1746093660, event_id: 'e-2' },
            { distinct_id: 'u-2', event_name: 'search', timestamp: '2025-05-01T11:00:00Z', query: 'shawarma' },
          ]),
        ),
        files.write(
          'products.jsonl',
          jsonl([
            { id: 'burger', title: 'Classic Burger', business_id: 'r1', price: '32.00', category: 'burgers', stock: 25, metadata: { brand: 'Grill House', spicy: false } },
            { id: 'fries', title: 'Fries', business_id: 'r1', price: 12, category: 'burgers' },
            { id: 'bad', title: 'Ghost', business_id: 'r-unknown' },
          ]),
        ),
        files.write(
          'businesses.jsonl',
          jsonl([
            { id: 'r1', name: 'Grill House', city: 'Abu Dhabi', vertical: 'restaurant', lat: 24.45, lon: 54.38, is_open: 'false' },
            { id: 'r2', name: 'Corner Shop', vertical: 'BAKERY' },
          ]),
        ),
        files.write('users.jsonl', jsonl([{ user_id: 'u-1', age: 41, gender: 'F', favourite_categories: ['burgers', 'salads'], favourite_brands: 'Grill House|Wingz' }])),
      ],
      { vertical: 'CONVENIENCE' },
    );
    expect(report.files.map((f) => [f.kind, f.imported])).toEqual([
      ['users', 1],
      ['businesses', 1],
      ['products', 2],
      ['events', 3],
    ]);
    expect(rejectionLines(report)).toEqual([
      'businesses.jsonl:2: vertical "BAKERY" is not one of RESTAURANT, CONVENIENCE, SUPERMARKET',
      'products.jsonl:3: business_id "r-unknown" is not a known business (import businesses first, or give business or metadata.catalog_id)',
    ]);

    expect(await t.db.query('SELECT vertical, name, city, lat, lon, is_open FROM businesses')).toEqual([
      { vertical: 'RESTAURANT', name: 'Grill House', city: 'Abu Dhabi', lat: 24.45, lon: 54.38, is_open: false },
    ]);
    const products = await t.db.query('SELECT p.title, p.price, p.price_range, p.brand, p.attributes, s.quantity FROM products p JOIN stock s ON s.product_id = p.id ORDER BY p.title');
    expect(products).toEqual([
      { title: 'Classic Burger', price: 32, price_range: 4, brand: 'Grill House', attributes: { spicy: false }, quantity: 25 },
      { title: 'Fries', price: 12, price_range: 1, brand: null, attributes: {}, quantity: 0 },
    ]);
    const users = await t.db.query('SELECT age_group, gender, favourite_categories, favourite_brands FROM users ORDER BY age_group NULLS LAST');
    expect(users).toEqual([
      { age_group: '35-44', gender: 'f', favourite_categories: ['burgers', 'salads'], favourite_brands: ['Grill House', 'Wingz'] },
      { age_group: null, gender: null, favourite_categories: [], favourite_brands: [] },
    ]);
    const events = await t.db.query('SELECT type, event_id, query, session_id, device, product_id IS NOT NULL AS has_product FROM interactions ORDER BY occurred_at');
    expect(events).toEqual([
      { type: 'IMPRESSION', event_id: expect.stringMatching(/^default:h[0-9a-f]{32}$/), query: null, session_id: 's1', device: 'ios', has_product: true },
      { type: 'SAVE', event_id: 'default:e-2', query: null, session_id: null, device: null, has_product: true },
      { type: 'SEARCH', event_id: expect.any(String), query: 'shawarma', session_id: null, device: null, has_product: false },
    ]);
  });

  it('tells the kind from the fields when the file name does not', async () => {
    const report = await run(t.db, [
      files.write('dump-1.jsonl', jsonl([{ name: 'Mini Mart', city: 'Sharjah' }])),
      files.write('dump-2.ndjson', jsonl([{ buyer_id: 'u-9', event_type: 'click', product_id: 'fries', created_at: '2025-05-03T09:00:00Z' }])),
    ]);
    expect(report.files.map((f) => [f.kind, f.imported])).toEqual([
      ['businesses', 1],
      ['events', 1],
    ]);
    // A business without a vertical gets the import's --vertical (default SUPERMARKET).
    expect(await t.db.query("SELECT vertical FROM businesses WHERE name = 'Mini Mart'")).toEqual([{ vertical: 'SUPERMARKET' }]);
  });

  it('reports lines that are not JSON objects, with their line numbers', async () => {
    const report = await run(t.db, [files.write('events-broken.jsonl', '{"buyer_id": "u-1"\n\n[1,2]\n')]);
    expect(rejectionLines(report)).toEqual([expect.stringMatching(/^events-broken\.jsonl:1: is not valid JSON/), 'events-broken.jsonl:3: is not a JSON object']);
  });
});
