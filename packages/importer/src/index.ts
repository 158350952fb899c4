import type { Db } from '@souk/db';
import { rebuildPopularitySql } from '@souk/domain';
import type { ImportContext } from './context';
import { importFile, planFile, type FilePlan } from './import-file';
import { Pii } from './pii';
import { KINDS, type FileReport, type ImportOptions, type ImportReport } from './types';
import { recomputePriceRanges } from './writers/products';

export type { FileReport, ImportOptions, ImportReport, Kind, Rejection } from './types';
export { KINDS } from './types';
export { formatReport } from './report';
export { normaliseText, businessKey, productKey } from './normalise';
export { Pii } from './pii';

/**
 * Imports users, businesses, products and events from CSV and JSONL files. Bad rows are reported
 * and skipped; only a file that cannot be read at all gets an `error`. Re-running is a no-op.
 */
export async function importFiles(db: Db, files: readonly string[], options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const ctx: ImportContext = {
    db,
    source: options.source ?? 'default',
    vertical: options.vertical ?? 'SUPERMARKET',
    dryRun: options.dryRun ?? false,
    pii: new Pii(options.hmacKey),
    products: new Map(),
    businesses: new Map(),
    knownUsers: new Set(),
    touchedCategories: new Set(),
    eventsCreated: 0,
  };
  const failed: FileReport[] = [];
  const plans: FilePlan[] = [];
  for (const file of files) {
    try {
      plans.push(await planFile(file, options.kind));
    } catch (err) {
      failed.push(errorReport(file, err));
    }
  }
  // Dependency order: users, businesses, products, events (stable within a kind).
  plans.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  const reports: FileReport[] = [...failed];
  for (const plan of plans) {
    try {
      reports.push(await importFile(ctx, plan, options.batchSize ?? 5000, options.concurrency ?? 3));
    } catch (err) {
      reports.push({ ...errorReport(plan.path, err), kind: plan.kind });
    }
  }
  if (!ctx.dryRun) await recomputePriceRanges(db, [...ctx.touchedCategories]);
  // A full rebuild is one GROUP BY over interactions: cheaper than incremental updates per batch.
  const popularityRebuilt = !ctx.dryRun && ctx.eventsCreated > 0;
  if (popularityRebuilt) await db.query(rebuildPopularitySql(), [options.halfLifeDays ?? 14]);
  return {
    files: reports,
    imported: reports.reduce((n, r) => n + r.imported, 0),
    rejected: reports.reduce((n, r) => n + r.rejected.length, 0),
    failedFiles: reports.filter((r) => r.error).length,
    popularityRebuilt,
    seconds: (performance.now() - started) / 1000,
  };
}

function errorReport(file: string, err: unknown): FileReport {
  return { file, rows: 0, imported: 0, created: 0, updated: 0, unchanged: 0, rejected: [], error: (err as Error).message ?? String(err) };
}
