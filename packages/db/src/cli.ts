import { loadConfig } from '@souk/config';
import { openDb } from './open';
import { migrate } from './migrate';

// `npm run migrate`: brings the configured database (DATABASE_URL, or the embedded one) up to date.
async function main() {
  const config = loadConfig();
  const db = await openDb(config);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
