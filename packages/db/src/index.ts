export type { Db, Queryable, Row } from './db';
export { openDb } from './open';
export { PgDb } from './pg';
export { PgliteDb } from './pglite';
export { migrate, migrationsDir } from './migrate';
export { toCsv } from './csv';
export { toVector, fromVector } from './vector';
