import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { isVertical, type Vertical } from '@souk/domain';
import { formatReport, importFiles } from './index';
import { KINDS, type Kind } from './types';

// `npm run import -- <files...>`: loads CSV/JSONL into the configured database (DATABASE_URL, or the
// embedded one). Exit status 1 only when a file could not be read; bad rows are reported, not fatal.

const vertical = (v: string): Vertical => {
  const upper = v.toUpperCase();
  if (!isVertical(upper)) throw new InvalidArgumentError('must be RESTAURANT, CONVENIENCE or SUPERMARKET');
  return upper;
};
const kind = (v: string): Kind => {
  if (!(KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${KINDS.join(', ')}`);
  return v as Kind;
};
const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

const program = new Command()
  .name('souk-import')
  .description('Import users, businesses, products and events from CSV or JSONL files')
  .argument('<files...>', 'CSV (.csv, .tsv) or JSON Lines (.jsonl, .ndjson) files')
  .option('--source <name>', 'whose ids the files use (ids are mapped per source)', 'default')
  .option('--vertical <vertical>', 'vertical of businesses derived from catalog_id', vertical, 'SUPERMARKET' as Vertical)
  .option('--kind <kind>', `what every file holds (${KINDS.join(', ')}); default: from the file name or fields`, kind)
  .option('--dry-run', 'validate and report without writing')
  .option('--batch-size <n>', 'rows per INSERT', positive, 5000)
  .action(async (files: string[], opts: { source: string; vertical: Vertical; kind?: Kind; dryRun?: boolean; batchSize: number }) => {
    const config = loadConfig();
    const db = await openDb(config);
    try {
      const report = await importFiles(db, files, {
        hmacKey: config.hmacKey,
        source: opts.source,
        vertical: opts.vertical,
        kind: opts.kind,
        dryRun: opts.dryRun,
        batchSize: opts.batchSize,
        halfLifeDays: config.popularityHalfLifeDays,
      });
      console.log(formatReport(report, { dryRun: opts.dryRun }));
      process.exitCode = report.failedFiles > 0 ? 1 : 0;
    } finally {
      await db.close();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
