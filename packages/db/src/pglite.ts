import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable, Row } from './db';
import { toCsv } from './csv';
import { settingsSql } from './settings';
import { TYPE_PARSERS } from './types';

// Embedded PostgreSQL (WASM) with pgvector. One connection, in-process: PGlite queues statements
// itself, and its transaction() holds the connection for the whole transaction, so callers may
// issue queries concurrently without interleaving into someone else's transaction.
const COPY_CHUNK = 20_000;

export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private count = 0;

  private constructor(readonly pglite: PGlite) {}

  /** dataDir undefined = in memory (tests); a directory survives restarts. */
  static async open(dataDir?: string): Promise<PgliteDb> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const pglite = await PGlite.create(dataDir ?? 'memory://', { extensions: { vector }, parsers: TYPE_PARSERS });
    return new PgliteDb(pglite);
  }

  get queryCount(): number {
    return this.count;
  }

  async query<R extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.count++;
    const res = await this.pglite.query<R>(sql, params as unknown[]);
    return res.rows;
  }

  async exec(sql: string): Promise<void> {
    this.count++;
    await this.pglite.exec(sql);
  }

  // One in-process connection: round trips cost nothing, so a plain transaction does.
  async queryWithSettings<R extends object = Row>(settings: Readonly<Record<string, string>>, sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.transaction(async (tx) => {
      const set = settingsSql(settings);
      if (set.values.length) await tx.query(set.text, set.values);
      return tx.query<R>(sql, params);
    });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pglite.transaction(async (tx) =>
      fn({
        query: async <R extends object = Row>(sql: string, params: readonly unknown[] = []) => {
          this.count++;
          return (await tx.query<R>(sql, params as unknown[])).rows;
        },
      }),
    );
  }

  async copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number> {
    let total = 0;
    let batch: (readonly unknown[])[] = [];
    const flush = async () => {
      const { text, count } = toCsv(batch);
      batch = [];
      if (!count) return;
      this.count++;
      await this.pglite.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([text]),
      });
      total += count;
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= COPY_CHUNK) await flush();
    }
    await flush();
    return total;
  }

  async close(): Promise<void> {
    await this.pglite.close();
  }
}
