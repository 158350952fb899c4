import type { Queryable } from '@souk/db';
import type { Vertical } from '@souk/domain';
import { businessIdFor } from '../normalise';
import { columnArrays, unnest } from './sql';

/** A business to store under its dedup key, with the source ids that name it. */
export interface BusinessInput {
  key: string;
  name: string;
  city?: string;
  vertical?: Vertical;
  lat?: number;
  lon?: number;
  isOpen?: boolean;
  externalIds: string[];
}

export interface BusinessUpsert {
  /** dedup key -> internal id, for every input (new or already there). */
  ids: Map<string, string>;
  created: number;
  updated: number;
}

// Name and city form the key, so they are never updated; the rest follows the newest file that says it.
const FIELDS = ['vertical', 'lat', 'lon', 'is_open'];
const MERGED = ['COALESCE(u.vertical, b.vertical)', 'COALESCE(u.lat::float8, b.lat)', 'COALESCE(u.lon::float8, b.lon)', 'COALESCE(u.is_open::boolean, b.is_open)'];

export function mergeBusinesses(rows: readonly BusinessInput[]): BusinessInput[] {
  const byKey = new Map<string, BusinessInput>();
  for (const r of rows) {
    const prev = byKey.get(r.key);
    if (!prev) byKey.set(r.key, { ...r, externalIds: [...r.externalIds] });
    else {
      for (const [k, v] of Object.entries(r)) if (v !== undefined && k !== 'externalIds' && k !== 'name') (prev as unknown as Record<string, unknown>)[k] = v;
      prev.externalIds.push(...r.externalIds);
    }
  }
  return [...byKey.values()];
}

/**
 * Inserts businesses not yet known by dedup key; with `update`, fills in what the file says about
 * known ones. Product files only create (they never redefine a business); business files update.
 */
export async function upsertBusinesses(q: Queryable, inputs: readonly BusinessInput[], defaultVertical: Vertical, update: boolean): Promise<BusinessUpsert> {
  const rows = mergeBusinesses(inputs);
  if (!rows.length) return { ids: new Map(), created: 0, updated: 0 };
  const { columns, params } = columnArrays(rows, {
    id: (r) => businessIdFor(r.key),
    key: (r) => r.key,
    name: (r) => r.name,
    city: (r) => r.city,
    vertical: (r) => r.vertical,
    lat: (r) => r.lat,
    lon: (r) => r.lon,
    is_open: (r) => r.isOpen,
  });
  const n = columns.length;
  const created = await q.query(
    `INSERT INTO businesses (id, dedup_key, name, city, vertical, lat, lon, is_open)
     SELECT u.id, u.key, u.name, u.city, COALESCE(u.vertical, $${n + 1}), u.lat::float8, u.lon::float8, COALESCE(u.is_open::boolean, true)
     FROM ${unnest(columns)} ON CONFLICT DO NOTHING RETURNING id`,
    [...params, defaultVertical],
  );
  let updated = 0;
  if (update) {
    const changed = await q.query(
      `UPDATE businesses b SET ${FIELDS.map((c, i) => `${c} = ${MERGED[i]}`).join(', ')}, updated_at = now()
       FROM ${unnest(columns)}
       WHERE b.dedup_key = u.key AND (${FIELDS.map((c) => `b.${c}`).join(', ')}) IS DISTINCT FROM (${MERGED.join(', ')})
       RETURNING b.id`,
      params,
    );
    updated = changed.length;
  }
  // The stored id may predate this importer (another tool created the business): ask, don't assume.
  const found = await q.query<{ id: string; dedup_key: string }>('SELECT id, dedup_key FROM businesses WHERE dedup_key = ANY($1::text[])', [
    rows.map((r) => r.key),
  ]);
  return { ids: new Map(found.map((r) => [r.dedup_key, r.id])), created: created.length, updated };
}
