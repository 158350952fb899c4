import type { SoukConfig } from '@souk/config';
import type { Db } from './db';
import { PgDb } from './pg';
import { PgliteDb } from './pglite';

/** The real server when DATABASE_URL is set, else the embedded PGlite in the data directory. */
export async function openDb(config: Pick<SoukConfig, 'databaseUrl' | 'pgliteDir'>): Promise<Db> {
  if (config.databaseUrl) return new PgDb(config.databaseUrl);
  return PgliteDb.open(config.pgliteDir);
}
