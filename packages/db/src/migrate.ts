import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Umzug } from 'umzug';
import type { Db } from './db';

// Migrations are plain SQL files in /migrations named <UTC timestamp>_<what>.sql, applied in name
// order by umzug and recorded in souk_migrations. Each file is idempotent (IF NOT EXISTS), and each
// runs together with its bookkeeping row as one multi-statement script, which PostgreSQL executes
// as one implicit transaction: a failing migration leaves neither half of itself nor a record.
export const migrationsDir = resolve(__dirname, '../../../migrations');

const NAME = /^\d{14}_[a-z0-9_]+\.sql$/;

export async function migrate(db: Db, options: { dir?: string; to?: string } = {}): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS souk_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const umzug = new Umzug<Db>({
    migrations: {
      glob: ['*.sql', { cwd: options.dir ?? migrationsDir }],
      resolve: ({ name, path, context }) => ({
        name,
        up: async () => {
          if (!NAME.test(name)) throw new Error(`migration file name ${name} does not match <14-digit timestamp>_<name>.sql`);
          const sql = readFileSync(path!, 'utf8');
          await context.exec(`${sql}\n;INSERT INTO souk_migrations (name) VALUES ('${name}') ON CONFLICT DO NOTHING;`);
        },
      }),
    },
    context: db,
    storage: {
      executed: async ({ context }) =>
        (await context.query<{ name: string }>('SELECT name FROM souk_migrations ORDER BY name')).map((r) => r.name),
      logMigration: async () => undefined, // recorded inside the migration's own script
      unlogMigration: async ({ name, context }) => {
        await context.query('DELETE FROM souk_migrations WHERE name = $1', [name]);
      },
    },
    logger: undefined,
  });
  const applied = await umzug.up(options.to ? { to: options.to } : {});
  return applied.map((m) => m.name);
}
