// The storage contract every backend (PostgreSQL through `pg`, embedded PGlite) fulfils. Subgraphs
// and tools see only this, so the same SQL runs on both; the contract test suite runs against each.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<R extends object = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Statements issued since the Db was opened: the N+1 guard reads it. */
  readonly queryCount: number;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs one parameterised statement with these run-time settings in force for it alone, as
   * `set_config(name, value, true)` in a transaction of its own would, in one round trip where the
   * backend allows. For per-query index settings (`hnsw.ef_search`, `ivfflat.probes`) on the hot path.
   */
  queryWithSettings<R extends object = Row>(settings: Readonly<Record<string, string>>, sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs fn inside BEGIN/COMMIT, rolling back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk-loads rows with COPY; values are encoded as PostgreSQL CSV (arrays, vectors and JSON too). */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
  close(): Promise<void>;
}
