import type { Vertical } from '@souk/domain';

// Entities are imported in this order whatever the order of the files on the command line: products
// need their businesses, events need their products.
export const KINDS = ['users', 'businesses', 'products', 'events'] as const;
export type Kind = (typeof KINDS)[number];

export interface ImportOptions {
  /** Key for the HMAC that replaces emails, phone numbers and user identifiers (config.hmacKey). */
  hmacKey: string;
  /** Whose ids the files use; external_ids maps (source, id) onto one internal id. Default "default". */
  source?: string;
  /** Vertical of businesses that the files do not describe (derived from catalog_id). Default SUPERMARKET. */
  vertical?: Vertical;
  /** Overrides detection from the file name and fields. */
  kind?: Kind;
  /** Validate and report without writing anything. */
  dryRun?: boolean;
  /** Half-life, in days, of the popularity rebuilt after events. Default 14. */
  halfLifeDays?: number;
  /** Rows per INSERT statement. Default 5000. */
  batchSize?: number;
  /** Event batches written at once on PostgreSQL (PGlite has one connection). Default 3. */
  concurrency?: number;
}

export interface Rejection {
  file: string;
  line: number;
  reason: string;
}

export interface FileReport {
  file: string;
  kind?: Kind;
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  /** Rows that are now in the database: created + updated + unchanged (in a dry run: valid rows). */
  imported: number;
  created: number;
  updated: number;
  /** Valid rows already stored exactly so (re-imports, duplicates). */
  unchanged: number;
  rejected: Rejection[];
  /** Set when the file could not be read at all; the CLI exits non-zero. */
  error?: string;
}

export interface ImportReport {
  files: FileReport[];
  imported: number;
  rejected: number;
  failedFiles: number;
  popularityRebuilt: boolean;
  seconds: number;
}

/** One row handed from a reader to a validator; `line` is the 1-based line where the row starts. */
export type SourceItem =
  | { line: number; values: Record<string, unknown> }
  | { line: number; error: string }
  | { header: string[] };

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A file the importer could not read or interpret; every other problem is a row rejection. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}
