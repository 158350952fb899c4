import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDb, type TestDb } from '@souk/testing';

// The command `npm run demo` calls on every start: it loads once, and a restart keeps the data.
const root = resolve(__dirname, '../../..');
let t: TestDb;
let dataDir: string;
beforeAll(async () => {
  t = await createTestDb('postgres', { migrate: false });
  dataDir = mkdtempSync(join(tmpdir(), 'souk-demo-cli-'));
});
afterAll(async () => {
  await t.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function generate(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'packages/demo/src/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: t.url, SOUK_DATA_DIR: dataDir, SOUK_HMAC_KEY: 'test-key-0123456789abcdef' },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

test('migrates, generates, then skips on the next run', async () => {
  const sizes = ['--users', '30', '--businesses', '6', '--products', '80', '--events', '1_000', '--seed', '9', '--now', '2026-03-15', '--quiet'];
  const first = generate(...sizes);
  expect(first.out).toMatch(/done in [\d.]+ s: businesses=6 products=80 product_images=80 stock=80 users=30 interactions=1000/);
  expect(first.code).toBe(0);
  const second = generate(...sizes);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/skipped: the database already holds the demo marketplace for seed 9/);
  const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
  expect(n).toBe(1_000);
});

test('rejects a bad flag with a clear message', () => {
  const result = generate('--events', 'many');
  expect(result.code).not.toBe(0);
  expect(result.out).toMatch(/--events.*expected a non-negative integer/);
});
