import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { counts, csv, jsonl, run, tempDir } from './helpers';

describe.each(BACKENDS)('re-importing the same files (%s)', (backend) => {
  let t: TestDb;
  const files = tempDir();
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('changes nothing: same counts, same rows, nothing reported new', async () => {
    const paths = [
      files.write('users.jsonl', jsonl([{ id: 'alice', age: 30, city: 'Dubai' }])),
      files.write('businesses.csv', csv(['id', 'name', 'city', 'vertical'], [['s1', 'Spinneys', 'Dubai', 'SUPERMARKET']])),
      files.write(
        'products.csv',
        csv(
          ['id', 'title', 'metadata', 'price', 'business_id', 'stock'],
          [
            ['p1', 'Milk', { brand: 'Almarai', category: 'dairy' }, '6', 's1', '10'],
            ['p2', 'Bread', { brand: 'Lusine', category: 'bakery' }, '4', 's1', ''],
          ],
        ),
      ),
      // No event_id column: ids come from the row content, so the same rows are recognised again.
      files.write(
        'events.csv',
        csv(
          ['distinct_id', 'product_id', 'event_name', 'created_at'],
          [
            ['alice', 'p1', 'View', '2025-05-01T10:00:00Z'],
            ['alice', 'p1', 'AddToCart', '2025-05-01T10:01:00Z'],
            ['bob', 'p2', 'Purchase', '1746093600'],
          ],
        ),
      ),
    ];
    const first = await run(t.db, paths);
    expect(first.rejected).toBe(0);
    const snapshot = async () => ({
      counts: await counts(t.db),
      products: await t.db.query('SELECT * FROM products ORDER BY id'),
      businesses: await t.db.query('SELECT * FROM businesses ORDER BY id'),
      users: await t.db.query('SELECT * FROM users ORDER BY id'),
      stock: await t.db.query('SELECT * FROM stock ORDER BY product_id'),
      popularity: await t.db.query('SELECT * FROM product_popularity ORDER BY product_id'),
    });
    const before = await snapshot();
    expect(before.counts).toEqual({ users: 2, businesses: 1, products: 2, stock: 2, external_ids: 3, interactions: 3, product_popularity: 2 });

    const second = await run(t.db, paths);
    expect(second.files.map((f) => [f.kind, f.created, f.updated, f.unchanged])).toEqual([
      ['users', 0, 0, 1],
      ['businesses', 0, 0, 1],
      ['products', 0, 0, 2],
      ['events', 0, 0, 3],
    ]);
    expect(second.popularityRebuilt).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('the same events as JSONL are recognised as the same events', async () => {
    const before = await counts(t.db);
    const report = await run(t.db, [
      files.write(
        'more-events.jsonl',
        jsonl([
          { distinct_id: 'alice', product_id: 'p1', event_name: 'view', created_at: '2025-05-01T10:00:00.000Z' },
          { distinct_id: 'bob', product_id: 'p2', event_name: 'PURCHASE', created_at: 1746093600000 },
        ]),
      ),
    ]);
    expect(report.files[0]).toMatchObject({ created: 0, unchanged: 2 });
    expect(await counts(t.db)).toEqual(before);
  });
});
