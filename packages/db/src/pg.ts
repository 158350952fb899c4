import { Pool, types, type PoolClient, type QueryResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Db, Queryable, Row } from './db';
import { toCsv } from './csv';
import { inlineScript } from './settings';
import { TYPE_PARSERS } from './types';

// Rows larger than this are streamed to COPY in pieces, so a 2M-event load never builds one giant string.
const COPY_CHUNK = 20_000;

export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  private count = 0;
  private readonly pool: Pool;

  constructor(connectionString: string, options: { max?: number } = {}) {
    const max = options.max ?? 10;
    this.pool = new Pool({
      connectionString,
      max,
      // Connections stay open once opened. pg-pool's default closes one idle for 10 s, and the next
      // burst opens it again: a new backend runs its first statements on cold caches (no plans, empty
      // relation and type caches). In bench:serve the seconds in which the pool closed and re-opened
      // connections were among those holding the slowest 1 %.
      min: max,
      // So idle connections no longer close themselves: they must not keep a process alive either (a
      // CLI or a test that ends without close() would otherwise never exit).
      allowExitOnIdle: true,
      types: { getTypeParser: ((oid: number, format?: string) => TYPE_PARSERS[oid] ?? types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser },
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  get queryCount(): number {
    return this.count;
  }

  async query<R extends object = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.count++;
    const res = await this.pool.query(sql, params as unknown[]);
    return res.rows as R[];
  }

  async queryWithSettings<R extends object = Row>(settings: Readonly<Record<string, string>>, sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.count++; // one round trip
    // No parameters: pg sends a simple Query message, and a script yields one result per statement.
    const res = (await this.pool.query(inlineScript(settings, sql, params))) as unknown as QueryResult | QueryResult[];
    return (Array.isArray(res) ? res[res.length - 1] : res).rows as R[];
  }

  async exec(sql: string): Promise<void> {
    this.count++;
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(this.clientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number> {
    const client = await this.pool.connect();
    let total = 0;
    try {
      this.count++;
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
      async function* chunks() {
        let batch: (readonly unknown[])[] = [];
        for (const row of rows) {
          batch.push(row);
          if (batch.length >= COPY_CHUNK) {
            const { text, count } = toCsv(batch);
            total += count;
            batch = [];
            yield text;
          }
        }
        const { text, count } = toCsv(batch);
        total += count;
        if (text) yield text;
      }
      await pipeline(Readable.from(chunks()), stream);
      return total;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private clientQueryable(client: PoolClient): Queryable {
    return {
      query: async <R extends object = Row>(sql: string, params: readonly unknown[] = []) => {
        this.count++;
        const res = await client.query(sql, params as unknown[]);
        return res.rows as R[];
      },
    };
  }
}
