import { fromVector, toVector } from '@souk/db';
import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';

// The Db contract: every backend passes the same suite.
describe.each(BACKENDS)('Db contract on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await t.db.exec(`CREATE TABLE contract (id text PRIMARY KEY, tags text[], meta jsonb, v vector(3), n bigint, price numeric(10,2), note text, at timestamptz)`);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('binds parameters and parses bigint and numeric as numbers, timestamps as Date', async () => {
    const [row] = await t.db.query<{ a: number; b: number; c: Date; d: string }>('SELECT $1::int8 AS a, $2::numeric AS b, $3::timestamptz AS c, $4::text AS d', [
      42, '3.25', '2026-01-02T03:04:05Z', "it's",
    ]);
    expect(row).toEqual({ a: 42, b: 3.25, c: new Date('2026-01-02T03:04:05Z'), d: "it's" });
  });

  it('copies rows with arrays, JSON, vectors, NULL and empty strings intact', async () => {
    const n = await t.db.copyRows('contract', ['id', 'tags', 'meta', 'v', 'n', 'price', 'note', 'at'], [
      ['a', ['x', 'y "quoted"', 'z,comma'], { k: 'v', ar: 'حليب' }, toVector([1, 2, 3]), 7, 1.5, '', new Date('2026-05-01T00:00:00Z')],
      ['b', [], null, null, null, null, null, null],
    ]);
    expect(n).toBe(2);
    const rows = await t.db.query<any>('SELECT * FROM contract ORDER BY id');
    expect(rows[0]).toMatchObject({ id: 'a', tags: ['x', 'y "quoted"', 'z,comma'], meta: { k: 'v', ar: 'حليب' }, n: 7, price: 1.5, note: '' });
    expect(Array.from(fromVector(rows[0].v))).toEqual([1, 2, 3]);
    expect(rows[1]).toMatchObject({ id: 'b', tags: [], meta: null, v: null, note: null });
  });

  it('rolls a failed transaction back whole', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO contract (id) VALUES ('t1')`);
        await tx.query(`INSERT INTO contract (id) VALUES ('t1')`); // duplicate key
      }),
    ).rejects.toThrow();
    expect(await t.db.query(`SELECT id FROM contract WHERE id = 't1'`)).toEqual([]);
  });

  it('commits a transaction and counts every statement', async () => {
    const before = t.db.queryCount;
    const result = await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO contract (id) VALUES ('t2')`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM contract'))[0].n;
    });
    expect(result).toBe(3);
    expect(t.db.queryCount - before).toBe(2);
  });
});
