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

  it('reads back a vector as the database prints it, tiny and negative values included', async () => {
    const v = [1e-7, -0.125, 3.4028234e38, -2.5e-12];
    const [row] = await t.db.query<{ v: string }>('SELECT $1::vector::text AS v', [toVector(v)]);
    expect(Array.from(fromVector(row.v))).toEqual(Array.from(Float32Array.from(v)));
  });

  it('runs a statement with settings in force for it alone, with its parameters intact', async () => {
    const [row] = await t.db.queryWithSettings<{ w: string; s: string; n: number; none: null }>(
      { work_mem: '7MB', 'souk.probe': 'x' },
      "SELECT current_setting('work_mem') AS w, $1::text AS s, $2::int AS n, $3::text AS none, current_setting('souk.probe') AS p, $4::text AS plain",
      ["it's a \\ back'slash $2", 5, null, '[0.25,-1e-7] $1 plain'],
    );
    expect(row).toMatchObject({ w: '7MB', s: "it's a \\ back'slash $2", n: 5, none: null, p: 'x', plain: '[0.25,-1e-7] $1 plain' });
    // Gone after the statement: the next one on any connection sees the server's defaults.
    const [after] = await t.db.query<{ w: string }>("SELECT current_setting('work_mem') AS w");
    expect(after.w).not.toBe('7MB');
  });

  it('refuses a setting name that is not one', async () => {
    await expect(t.db.queryWithSettings({ "work_mem'); DROP TABLE contract; --": '1MB' }, 'SELECT 1')).rejects.toThrow(/not a setting name/);
    expect(await t.db.query('SELECT count(*) FROM contract')).toHaveLength(1);
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
