import { join } from 'node:path';
import { Client } from 'pg';
import { childEnv, type BenchEnv, type BenchOptions, type BenchPaths } from './config';
import { runOk, TSX } from './proc';

// The bench's marketplace: a dedicated database, migrated with the project's migrate CLI and filled
// by the demo generator once. Later runs reuse it when it holds the same marketplace (the
// generator's marker for the seed, and the requested numbers of users and products); --fresh
// drops the database and starts over.

/** Products the freshness probe creates are titled so; they are not part of the marketplace. */
export const PROBE_TITLE_PREFIX = 'Bench fresh ';

export interface DatasetSummary {
  reused: boolean;
  seconds: number;
  counts: { users: number; products: number; businesses: number; interactions: number };
}

export async function withClient<T>(url: string, use: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function ensureDataset(o: BenchOptions, env: BenchEnv, paths: BenchPaths, say: (s: string) => void): Promise<DatasetSummary> {
  const started = performance.now();
  await withClient(env.adminUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [o.database])).rowCount === 1;
    if (exists && o.fresh) {
      say(`--fresh: dropping database ${o.database}`);
      await admin.query(`DROP DATABASE ${ident(o.database)} WITH (FORCE)`);
    }
    if (!exists || o.fresh) await admin.query(`CREATE DATABASE ${ident(o.database)}`);
  });

  const log = join(paths.out, 'dataset.log');
  await runOk([...TSX, 'packages/db/src/cli.ts'], { cwd: paths.root, env: childEnv(env), log });

  const before = await counts(env.databaseUrl, o.seed);
  if (before.marker && before.users === o.users && before.products === o.products) {
    return { reused: true, seconds: (performance.now() - started) / 1000, counts: before };
  }
  if (before.users || before.products) {
    throw new Error(
      `database ${o.database} holds ${before.users} users and ${before.products} products (seed marker ${before.marker ? 'present' : 'absent'}), ` +
        `not the requested ${o.users} users and ${o.products} products with seed ${o.seed}: run with --fresh to regenerate it`,
    );
  }
  say(`generating ${o.users} users, ${o.businesses} businesses, ${o.products} products, ${o.events} events into ${o.database} (minutes; log: ${log})`);
  await runOk(
    [...TSX, 'packages/demo/src/cli.ts', '--users', String(o.users), '--businesses', String(o.businesses), '--products', String(o.products),
      '--events', String(o.events), '--seed', String(o.seed)],
    { cwd: paths.root, env: childEnv(env), log, onLine: (line) => line.trim() && say(`  ${line.trim()}`) },
  );
  const after = await counts(env.databaseUrl, o.seed);
  return { reused: false, seconds: (performance.now() - started) / 1000, counts: after };
}

async function counts(url: string, seed: number) {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ users: number; products: number; businesses: number; interactions: number; marker: boolean }>(
      `SELECT (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM products WHERE title NOT LIKE $1)::int AS products,
              (SELECT count(*) FROM businesses)::int AS businesses,
              (SELECT count(*) FROM interactions)::int AS interactions,
              EXISTS (SELECT 1 FROM external_ids WHERE entity = 'business' AND source = 'souk-demo' AND external_id = $2) AS marker`,
      [`${PROBE_TITLE_PREFIX}%`, `seed:${seed}`],
    );
    return rows[0];
  });
}

/** Removes the products the freshness probe created (best effort: they are excluded from counts anyway). */
export async function removeProbeProducts(url: string): Promise<number> {
  return withClient(url, async (c) => {
    try {
      await c.query('BEGIN');
      const ids = (await c.query<{ id: string }>('SELECT id FROM products WHERE title LIKE $1', [`${PROBE_TITLE_PREFIX}%`])).rows.map((r) => r.id);
      if (ids.length) {
        await c.query('DELETE FROM interactions WHERE product_id = ANY($1)', [ids]);
        await c.query('DELETE FROM products WHERE id = ANY($1)', [ids]);
      }
      await c.query('COMMIT');
      return ids.length;
    } catch {
      await c.query('ROLLBACK').catch(() => undefined);
      return 0;
    }
  });
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be lower-case letters, digits and _: ${name}`);
  return `"${name}"`;
}
