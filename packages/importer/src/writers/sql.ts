// Every batch is one statement whatever its size: each column travels as one text[] parameter and
// unnest() turns the arrays back into rows (a VALUES list would need rows x columns parameters,
// capped at 65,535). Text arrays are cast in SQL, which works the same on pg and PGlite.

export type Cell = string | number | boolean | Date | null | undefined | readonly string[] | Record<string, unknown>;

function cellText(v: Cell): string | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return pgArray(v as readonly string[]);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A text[] literal for one cell ('{"a","b"}'), cast back with ::text[] in SQL. */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** `unnest($k::text[], ...) AS u(a, b, ...)` for the given columns, parameters numbered from `first`. */
export function unnest(columns: readonly string[], first = 1): string {
  return `unnest(${columns.map((_, i) => `$${i + first}::text[]`).join(', ')}) AS u(${columns.join(', ')})`;
}

/** The parameters for unnest(): one text array per column, in the order of `getters`. */
export function columnArrays<T>(rows: readonly T[], getters: Record<string, (row: T) => Cell>): { columns: string[]; params: (string | null)[][] } {
  const columns = Object.keys(getters);
  return { columns, params: columns.map((c) => rows.map((r) => cellText(getters[c](r)))) };
}
