// PostgreSQL CSV encoding for COPY ... FROM STDIN (FORMAT csv). NULL is the unquoted empty field;
// an empty string is written quoted so the two stay distinct.

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
  return `{${items.join(',')}}`;
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Float32Array || value instanceof Float64Array) return quote(`[${Array.from(value).join(',')}]`);
  if (Array.isArray(value)) return quote(arrayLiteral(value));
  if (typeof value === 'object') return quote(JSON.stringify(value));
  return quote(String(value));
}

export function toCsv(rows: Iterable<readonly unknown[]>): { text: string; count: number } {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return { text: lines.length ? `${lines.join('\n')}\n` : '', count: lines.length };
}
