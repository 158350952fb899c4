import { escapeLiteral } from 'pg';

// Per-statement run-time settings (Db.queryWithSettings), shared by both backends.

const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/i;

function checkedNames(settings: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(settings);
  for (const n of names) if (!NAME.test(n)) throw new Error(`not a setting name: ${JSON.stringify(n)}`);
  return names;
}

/** `SELECT set_config($1, $2, true), …`: local to the transaction it runs in. */
export function settingsSql(settings: Readonly<Record<string, string>>): { text: string; values: string[] } {
  const names = checkedNames(settings);
  return {
    text: `SELECT ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
    values: names.flatMap((n) => [n, settings[n]]),
  };
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot inline the number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // pg's escapeLiteral builds its result a character at a time: for a 128-d query vector, inlined
  // on every retrieval, that was ~100 KB of garbage a request. A string with no quote and no
  // backslash needs no escaping, and quoting it is exactly what escapeLiteral would return.
  if (typeof v === 'string') return /['\\]/.test(v) ? escapeLiteral(v) : `'${v}'`;
  if (v instanceof Date) return escapeLiteral(v.toISOString());
  throw new Error(`cannot inline a parameter of type ${typeof v}`);
}

/**
 * The settings and the statement as one simple-protocol script. PostgreSQL runs a multi-statement
 * Query message as one implicit transaction, so `set_config(…, true)` holds for the statement and is
 * gone after it: BEGIN, SET, the query and COMMIT in one round trip instead of four. The simple
 * protocol takes no parameters, so they are inlined as escaped literals; the statement must not
 * contain `$n` anywhere but its placeholders.
 */
export function inlineScript(settings: Readonly<Record<string, string>>, sql: string, params: readonly unknown[]): string {
  const names = checkedNames(settings);
  const set = names.length ? `SELECT ${names.map((n) => `set_config(${escapeLiteral(n)}, ${escapeLiteral(settings[n])}, true)`).join(', ')};\n` : '';
  const body = sql.replace(/\$(\d+)/g, (_, i: string) => {
    const k = Number(i) - 1;
    if (k < 0 || k >= params.length) throw new Error(`statement uses $${i} but ${params.length} parameters were given`);
    return literal(params[k]);
  });
  return set + body;
}
