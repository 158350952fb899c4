import { randomBytes } from 'node:crypto';
import { migrate, PgDb, PgliteDb, type Db } from '@souk/db';

// Tests run against the real servers on this machine (PostgreSQL + pgvector on 5432, Redis on
// 6379) and against embedded PGlite. Each test file gets its own fresh database, dropped at the end:
// never assume an empty shared one.
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Backend = 'postgres' | 'pglite';
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

export interface TestDb {
  db: Db;
  /** For postgres: the fresh database's URL, so another process can reach it. */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDb(backend: Backend, options: { migrate?: boolean } = {}): Promise<TestDb> {
  const shouldMigrate = options.migrate ?? true;
  if (backend === 'pglite') {
    const db = await PgliteDb.open();
    if (shouldMigrate) await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `souk_test_${randomBytes(6).toString('hex')}`;
  const admin = new PgDb(testPostgresUrl, { max: 1 });
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  const db = new PgDb(url.toString());
  if (shouldMigrate) await migrate(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const a = new PgDb(testPostgresUrl, { max: 1 });
      await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
    },
  };
}
