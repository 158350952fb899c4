// Column and key names are matched loosely ("Event Type", "event-type" and "event_type" are one
// column) so that exports from different tools need no renaming first.
export function columnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function normaliseKeys(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[columnName(k)] = v;
  return out;
}
