import { z } from 'zod';
import { VERTICALS, type Vertical } from '@souk/domain';
import { parseTimestamp } from '../timestamps';
import type { Validation } from '../types';

// Field parsers shared by the row schemas. Rows arrive as strings (CSV) or as JSON values (JSONL);
// each parser accepts both and, on failure, says what it got and what it wanted. Messages are the
// tail of a sentence whose subject is the column: `price "abc" is not a number`.

export type Raw = Record<string, unknown>;
type Ctx = z.RefinementCtx;

export const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

const quoted = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
};

function asText(v: unknown, ctx: Ctx): string | undefined {
  if (isBlank(v)) return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return fail(ctx, `must be text, got ${Array.isArray(v) ? 'a list' : 'an object'}`);
}

export const optionalText = (max = 10_000) =>
  z.unknown().transform((v, ctx): string | undefined => {
    const s = asText(v, ctx);
    if (s !== undefined && s.length > max) return fail(ctx, `is longer than ${max} characters`);
    return s;
  });

export const requiredText = (max = 10_000) =>
  z.unknown().transform((v, ctx): string => {
    const s = asText(v, ctx);
    if (s === undefined) return fail(ctx, 'is missing');
    if (s.length > max) return fail(ctx, `is longer than ${max} characters`);
    return s;
  });

export const requiredTimestamp = () =>
  z.unknown().transform((v, ctx): Date => {
    if (isBlank(v)) return fail(ctx, 'is missing');
    return parseTimestamp(v) ?? fail(ctx, `${quoted(v)} is not a time (use ISO 8601 or unix seconds/milliseconds, 1990-2100)`);
  });

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  // Thousands separators are common in exports ("1,299.00"); anything else non-numeric is refused.
  const s = v.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

/** A price in the currency's units, 2 decimals: absent is undefined, present but unreadable is an error. */
export const optionalPrice = () =>
  z.unknown().transform((v, ctx): number | undefined => {
    if (isBlank(v)) return undefined;
    const n = asNumber(v);
    if (n === undefined || n < 0 || n >= 1e10) return fail(ctx, `${quoted(v)} is not a price (a number from 0 up, like 12.50)`);
    return Math.round(n * 100) / 100;
  });

export const optionalInt = (min: number, max: number) =>
  z.unknown().transform((v, ctx): number | undefined => {
    if (isBlank(v)) return undefined;
    const n = asNumber(v);
    if (n === undefined || !Number.isInteger(n) || n < min || n > max) return fail(ctx, `${quoted(v)} is not a whole number from ${min} to ${max}`);
    return n;
  });

export const optionalFloat = (min: number, max: number) =>
  z.unknown().transform((v, ctx): number | undefined => {
    if (isBlank(v)) return undefined;
    const n = asNumber(v);
    if (n === undefined || n < min || n > max) return fail(ctx, `${quoted(v)} is not a number from ${min} to ${max}`);
    return n;
  });

const TRUE = new Set(['true', '1', 'yes', 'y', 'open']);
const FALSE = new Set(['false', '0', 'no', 'n', 'closed']);
export const optionalBool = () =>
  z.unknown().transform((v, ctx): boolean | undefined => {
    if (isBlank(v)) return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    return fail(ctx, `${quoted(v)} is not true or false`);
  });

export const optionalVertical = () =>
  z.unknown().transform((v, ctx): Vertical | undefined => {
    if (isBlank(v)) return undefined;
    const s = String(v).trim().toUpperCase();
    if ((VERTICALS as readonly string[]).includes(s)) return s as Vertical;
    return fail(ctx, `${quoted(v)} is not one of ${VERTICALS.join(', ')}`);
  });

/** A list as a JSON array or as text separated by | ; or , */
export const optionalList = () =>
  z.unknown().transform((v, ctx): string[] | undefined => {
    if (isBlank(v)) return undefined;
    const items = Array.isArray(v) ? v.map((x) => String(x)) : typeof v === 'string' ? v.split(/[|;,]/) : fail(ctx, `${quoted(v)} is not a list`);
    return [...new Set(items.map((s) => s.trim()).filter(Boolean))];
  });

/**
 * Looks up each field under its aliases (the first non-empty alias wins), validates with the zod
 * schema, and turns every issue into one sentence naming the column the value came from.
 */
export function validateRow<S extends z.ZodType>(
  schema: S,
  aliases: Record<string, readonly string[]>,
  ...sources: { values: Raw; prefix?: string }[]
): Validation<z.output<S>> {
  const input: Raw = {};
  for (const field in aliases) {
    // Every field is present (undefined when absent): zod 4 treats a missing key as its own error.
    input[field] = undefined;
    search: for (const { values } of sources) {
      for (const name of aliases[field]) {
        const v = values[name];
        if (!isBlank(v)) {
          input[field] = v;
          break search;
        }
      }
    }
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Only a failing row pays for working out which column each value came from.
  const columns: Record<string, string> = {};
  for (const field in aliases) {
    search: for (const { values, prefix } of sources) {
      for (const name of aliases[field]) {
        if (!isBlank(values[name])) {
          columns[field] = `${prefix ?? ''}${name}`;
          break search;
        }
      }
    }
  }
  const reasons = parsed.error.issues.map((issue) => {
    const field = issue.path[0];
    if (typeof field !== 'string') return issue.message;
    return `${columns[field] ?? aliases[field]?.join(' or ') ?? field} ${issue.message}`;
  });
  return { ok: false, reason: reasons.join('; ') };
}

/** For the header check: alias groups none of whose names is a column. */
export function missingColumns(header: readonly string[], required: readonly (readonly string[])[]): string[] {
  const present = new Set(header);
  return required.filter((names) => !names.some((n) => present.has(n))).map((names) => names.join(' or '));
}
