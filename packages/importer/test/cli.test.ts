import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createTestDb, type TestDb } from '@souk/testing';
import { csv, tempDir } from './helpers';

// The CLI as a user runs it, against a fresh PostgreSQL database.
const ROOT = resolve(__dirname, '../../..');
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(resolve(ROOT, 'node_modules/.bin/tsx'), ['packages/importer/src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

describe('souk-import CLI', () => {
  let t: TestDb;
  const files = tempDir();
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDb('postgres');
    env = { DATABASE_URL: t.url!, SOUK_HMAC_KEY: 'cli-test-key-0123456789', SOUK_DATA_DIR: files.dir };
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('prints counts and each rejection, and exits 0 when only rows are bad', () => {
    const products = files.write('products.csv', csv(['id', 'title', 'metadata'], [['p1', 'Milk', { catalog_id: 'c1' }]]));
    const events = files.write(
      'events.csv',
      csv(['buyer_id', 'product_id', 'event_type', 'timestamp'], [['a', 'p1', 'view', '1746093600'], ['a', 'p1', 'Teleport', '1746093600']]),
    );
    const res = cli([products, events, '--source', 'shop', '--vertical', 'convenience'], env);
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('products.csv (products): 1 rows: 1 imported (1 new, 0 updated, 0 unchanged), 0 rejected');
    expect(res.stdout).toContain('events.csv (events): 2 rows: 1 imported (1 new, 0 updated, 0 unchanged), 1 rejected');
    expect(res.stdout).toContain('  events.csv:3: event_type "Teleport" is not one of View, PageView');
  });

  it('exits 1 when a file cannot be read, after importing the readable ones', async () => {
    const ok = files.write('more.csv', csv(['id', 'title', 'metadata'], [['p2', 'Bread', { catalog_id: 'c1' }]]));
    const res = cli([ok, `${files.dir}/missing.jsonl`, '--kind', 'products', '--source', 'shop'], env);
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/missing\.jsonl: not imported: cannot read .*ENOENT/);
    expect(await t.db.query('SELECT count(*)::int AS n FROM products')).toEqual([{ n: 2 }]);
    expect(await t.db.query('SELECT DISTINCT vertical FROM businesses')).toEqual([{ vertical: 'CONVENIENCE' }]);
  });

  it('writes nothing on --dry-run', async () => {
    const f = files.write('dry-products.csv', csv(['id', 'title', 'metadata'], [['p3', 'Tea', { catalog_id: 'c9' }]]));
    const res = cli([f, '--dry-run'], env);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('1 valid');
    expect(await t.db.query("SELECT count(*)::int AS n FROM products WHERE title = 'Tea'")).toEqual([{ n: 0 }]);
  });

  it('refuses an unknown vertical before touching anything', () => {
    const res = cli(['x.csv', '--vertical', 'BAKERY'], env);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('must be RESTAURANT, CONVENIENCE or SUPERMARKET');
  });
});
