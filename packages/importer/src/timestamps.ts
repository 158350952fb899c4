// Event times arrive as ISO 8601 or as unix time in seconds or milliseconds. A bare number below
// 1e11 is seconds (1e11 s is the year 5138; 1e11 ms is 1973), so the two never overlap for real data.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const MIN = Date.UTC(1990, 0, 1);
const MAX = Date.UTC(2100, 0, 1);

export function parseTimestamp(raw: unknown): Date | undefined {
  let ms: number;
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim()))) {
    const n = Number(raw);
    if (!Number.isFinite(n)) return undefined;
    ms = n < 1e11 ? n * 1000 : n;
  } else if (typeof raw === 'string') {
    // "2019-10-01 00:00:00 UTC" (a common export form) and zone-less times are read as UTC.
    const s = raw.trim().replace(/\s*UTC$/i, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
    const m = ISO.exec(s);
    if (!m) return undefined;
    const withZone = m[4] === undefined ? `${s}T00:00:00Z` : m[7] === undefined ? `${s}Z` : s;
    ms = Date.parse(withZone.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    // Date.parse rolls 2024-02-30 over to March; a real date survives the round trip.
    if (Number.isNaN(ms)) return undefined;
    const local = m[7] === undefined || m[7] === 'Z' ? new Date(ms) : undefined;
    if (local && local.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return undefined;
  } else {
    return undefined;
  }
  if (ms < MIN || ms > MAX) return undefined;
  return new Date(Math.round(ms));
}
