import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@souk/db';
import { importFiles, type ImportOptions, type ImportReport } from '../src';

export const HMAC_KEY = 'importer-test-key-0123456789';

/** A temp directory for the files a test writes; remove() at the end. */
export function tempDir(): { dir: string; write(name: string, content: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'souk-import-'));
  return {
    dir,
    write: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const cell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csv = (header: string[], rows: unknown[][]) => [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
export const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export const run = (db: Db, files: string[], options: Partial<ImportOptions> = {}): Promise<ImportReport> =>
  importFiles(db, files, { hmacKey: HMAC_KEY, ...options });

const TABLES = ['users', 'businesses', 'products', 'stock', 'external_ids', 'interactions', 'product_popularity'];

export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
  return out;
}

/** Every row of every table in the schema, as text: what a PII leak would be found in. */
export async function dumpEverything(db: Db): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${table_name} t`);
    parts.push(`${table_name}:\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

/** The rejection lines as the CLI prints them. */
export const rejectionLines = (report: ImportReport) => report.files.flatMap((f) => f.rejected.map((r) => `${r.file}:${r.line}: ${r.reason}`));
