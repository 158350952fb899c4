import { mkdtempSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, migrationsDir } from '@souk/db';
import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';

const all = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort();

describe.each(BACKENDS)('migrations on %s', (backend) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb(backend, { migrate: false });
  });
  afterEach(async () => {
    await t.drop();
  });

  const tables = async () =>
    (await t.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((r) => r.table_name);

  it('runs from an empty database to a point, keeps seeded rows through the rest, and re-runs as a no-op', async () => {
    const catalog = all.find((f) => f.includes('_catalog'))!;
    expect(await migrate(t.db, { to: catalog })).toEqual(all.slice(0, all.indexOf(catalog) + 1));
    expect(await tables()).not.toContain('interactions');

    await t.db.query(`INSERT INTO businesses (id, vertical, name, dedup_key) VALUES ('b1', 'SUPERMARKET', 'Shop', 'shop')`);
    await t.db.query(`INSERT INTO products (id, business_id, title, category, price, price_range, dedup_key) VALUES ('p1', 'b1', 'Milk', 'Dairy', 4.5, 1, 'b1|milk')`);

    expect(await migrate(t.db)).toEqual(all.slice(all.indexOf(catalog) + 1));
    expect(await tables()).toEqual(expect.arrayContaining(['users', 'businesses', 'products', 'product_images', 'stock', 'interactions', 'product_popularity', 'item_embeddings_v0', 'model_registry']));
    expect(await t.db.query('SELECT id, price FROM products')).toEqual([{ id: 'p1', price: 4.5 }]);
    expect(await migrate(t.db)).toEqual([]);

    // The live view exists and accepts vector queries through the HNSW-indexed table behind it.
    await t.db.query(`INSERT INTO item_embeddings_v0 (product_id, business_id, vertical, embedding) VALUES ('p1', 'b1', 'SUPERMARKET', $1)`, [`[${Array(128).fill(0.1).join(',')}]`]);
    const near = await t.db.query<{ product_id: string; version: number }>(`SELECT product_id, version FROM item_embeddings ORDER BY embedding <=> $1 LIMIT 1`, [`[${Array(128).fill(0.2).join(',')}]`]);
    expect(near).toEqual([{ product_id: 'p1', version: 0 }]);
  });

  it('every migration is idempotent: applying its SQL again changes nothing and does not fail', async () => {
    await migrate(t.db);
    const { readFileSync } = await import('node:fs');
    for (const f of all) await t.db.exec(readFileSync(join(migrationsDir, f), 'utf8'));
    expect((await t.db.query('SELECT count(*)::int AS n FROM souk_migrations'))[0]).toEqual({ n: all.length });
  });

  it('a failing migration leaves neither its changes nor its record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'souk-migrations-'));
    for (const f of all) copyFileSync(join(migrationsDir, f), join(dir, f));
    writeFileSync(join(dir, '29991231000000_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await expect(migrate(t.db, { dir })).rejects.toThrow(/no_such_function/);
    expect(await tables()).not.toContain('half_done');
    const names = (await t.db.query<{ name: string }>('SELECT name FROM souk_migrations')).map((r) => r.name);
    expect(names).toEqual(all);
  });
});
