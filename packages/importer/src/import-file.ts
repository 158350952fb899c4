import { basename } from 'node:path';
import type { ImportContext } from './context';
import { entityFor, type Entity } from './entities';
import { kindFromFields, kindFromName } from './kind';
import { assertReadable, detectFormat, readItems, type Format } from './read';
import { missingColumns } from './schemas/fields';
import { FileError, type FileReport, type Kind } from './types';
import type { Pending } from './writers/batch';
import { addResult, emptyResult, type WriteResult } from './writers/result';

export interface FilePlan {
  path: string;
  format: Format;
  kind: Kind;
}

/** Decides how to read a file before anything is imported, so files can be taken in dependency order. */
export async function planFile(path: string, kind?: Kind): Promise<FilePlan> {
  await assertReadable(path);
  const format = await detectFormat(path);
  let detected = kind ?? kindFromName(path);
  if (!detected) {
    search: for await (const chunk of readItems(path, format)) {
      for (const item of chunk) {
        if ('header' in item) detected = kindFromFields(item.header);
        else if ('values' in item) detected = kindFromFields(Object.keys(item.values));
        else continue;
        break search;
      }
    }
  }
  if (!detected) throw new FileError(`cannot tell what ${basename(path)} holds: name it after users, businesses, products or events, or pass --kind`);
  return { path, format, kind: detected };
}

// Integrity (23xxx) and data (22xxx) errors are about a row; anything else (connection lost, a bug)
// is about the import and stops the file.
function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Writes a batch; if the database refuses it because of some row, halves the batch until the
 * offending rows stand alone, so they are rejected with the database's reason and the rest is kept.
 */
async function writeIsolating<T>(entity: Entity<T>, batch: readonly Pending<T>[], attempt = 1): Promise<WriteResult> {
  try {
    return await entity.write(batch);
  } catch (err) {
    // Concurrent batches are written in a consistent key order, so a deadlock should not happen;
    // if the server still reports one (or a serialization failure), the batch is simply retried.
    const code = (err as { code?: unknown }).code;
    if ((code === '40P01' || code === '40001') && attempt < 4) return writeIsolating(entity, batch, attempt + 1);
    if (!isRowError(err)) throw err;
    if (batch.length === 1) return { ...emptyResult(), rejected: [{ line: batch[0].line, reason: `refused by the database: ${(err as Error).message}` }] };
    const mid = batch.length >> 1;
    const result = await writeIsolating(entity, batch.slice(0, mid));
    addResult(result, await writeIsolating(entity, batch.slice(mid)));
    return result;
  }
}

/**
 * Streams one file through validation into batched writes. While batches are being written the
 * next is being read and validated. Entities whose batches are independent (events) may have
 * several writes in flight on PostgreSQL, each on its own connection; the others write in order.
 */
export async function importFile(ctx: ImportContext, plan: FilePlan, batchSize: number, concurrency: number): Promise<FileReport> {
  const name = basename(plan.path);
  const report: FileReport = { file: plan.path, kind: plan.kind, rows: 0, imported: 0, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const totals = emptyResult();
  const entity = entityFor(plan.kind, ctx);
  const parallel = entity.independentBatches && ctx.db.kind === 'postgres' ? concurrency : 1;
  let batch: Pending<unknown>[] = [];
  const inflight: Promise<void>[] = [];
  let failure: unknown;
  const flush = (rows: Pending<unknown>[]) =>
    writeIsolating(entity, rows).then(
      (r) => addResult(totals, r),
      (err) => {
        failure = err;
      },
    );
  // Waits until fewer than `room` writes are in flight; `settle(1)` waits for all of them.
  const settle = async (room: number) => {
    while (inflight.length >= room) await inflight.shift();
    if (failure) throw failure;
  };
  try {
    for await (const chunk of readItems(plan.path, plan.format)) {
     for (const item of chunk) {
      if ('header' in item) {
        const missing = missingColumns(item.header, entity.required);
        if (missing.length) throw new FileError(`${name}: the header has no ${missing.join(', and no ')} column`);
        continue;
      }
      report.rows++;
      if ('error' in item) {
        totals.rejected.push({ line: item.line, reason: item.error });
        continue;
      }
      const v = entity.validate(item.values);
      if (!v.ok) {
        totals.rejected.push({ line: item.line, reason: v.reason });
        continue;
      }
      batch.push({ line: item.line, value: v.value });
      if (batch.length >= batchSize) {
        await settle(parallel);
        inflight.push(flush(batch));
        batch = [];
      }
     }
    }
    if (batch.length) {
      await settle(parallel);
      inflight.push(flush(batch));
    }
    await settle(1);
  } finally {
    await Promise.all(inflight); // never leave a write running behind a thrown error
  }
  report.created = totals.created;
  report.updated = totals.updated;
  report.unchanged = totals.unchanged;
  report.imported = totals.created + totals.updated + totals.unchanged;
  report.rejected = totals.rejected.sort((a, b) => a.line - b.line).map((r) => ({ file: name, ...r }));
  return report;
}
