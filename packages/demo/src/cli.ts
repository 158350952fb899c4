import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@souk/config';
import { migrate, openDb } from '@souk/db';
import { generateMarketplace } from './generate';
import { writeImportFiles } from './files';
import { DEFAULTS } from './options';

// `npm run generate -- --users 10000 --products 100000 --events 2000000`: migrates the configured
// database (DATABASE_URL, or the embedded PGlite) and fills it with the demo marketplace. Safe to
// run on every start: a database that already holds the demo is left as it is.

const count = (value: string): number => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
const positive = (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const date = (value: string): Date => {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO date, e.g. 2026-01-15 or 2026-01-15T12:00:00Z');
  return d;
};

const program = new Command()
  .name('souk-generate')
  .description('Generate the deterministic demo marketplace into the configured database')
  .option('--users <n>', 'users', count, DEFAULTS.users)
  .option('--businesses <n>', 'businesses', count, DEFAULTS.businesses)
  .option('--products <n>', 'products', count, DEFAULTS.products)
  .option('--events <n>', 'interaction rows', count, DEFAULTS.events)
  .option('--seed <n>', 'random seed: the same seed gives the same data', count, DEFAULTS.seed)
  .option('--now <date>', 'end of the event window (default: the start of the current UTC day)', date)
  .option('--days <n>', 'length of the event window in days', positive, DEFAULTS.days)
  .option('--half-life <days>', 'popularity half-life in days', positive, DEFAULTS.halfLifeDays)
  .option('--files <dir>', 'instead of loading a database, write products.csv and events.csv for the importer to <dir>')
  .option('--quiet', 'print only the summary');

async function main() {
  const opts = program.parse().opts<{
    users: number; businesses: number; products: number; events: number; seed: number; now?: Date; days: number; halfLife: number; files?: string; quiet?: boolean;
  }>();
  const options = {
    users: opts.users, businesses: opts.businesses, products: opts.products, events: opts.events, seed: opts.seed,
    now: opts.now, days: opts.days, halfLifeDays: opts.halfLife, log: opts.quiet ? undefined : (line: string) => console.log(`  ${line}`),
  };
  if (opts.files) {
    const written = writeImportFiles(opts.files, options);
    console.log(`wrote ${written.products.rows} products to ${written.products.path} and ${written.events.rows} events to ${written.events.path}`);
    return;
  }
  const db = await openDb(loadConfig());
  try {
    await migrate(db);
    console.log(`generating the demo marketplace (seed ${opts.seed}) into ${db.kind}`);
    const summary = await generateMarketplace(db, options);
    if (summary.skipped) {
      console.log(`skipped: ${summary.reason}`);
      return;
    }
    const rows = Object.entries(summary.counts).map(([table, n]) => `${table}=${n}`).join(' ');
    console.log(`done in ${summary.seconds.toFixed(1)} s: ${rows}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
