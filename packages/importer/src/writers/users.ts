import type { Queryable } from '@souk/db';
import type { UserRow } from '../schemas/user';
import { columnArrays, unnest } from './sql';
import type { WriteResult } from './result';

/** Users that events mention are created on the fly, with nothing but their anonymised id. */
export async function ensureUsers(q: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length) await q.query('INSERT INTO users (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [ids]);
}

const PROFILE = ['age_group', 'gender', 'city', 'lat', 'lon', 'favourite_categories', 'favourite_brands'];
// What each profile column becomes: a value the file gives replaces the stored one; one it omits keeps it.
const MERGED = [
  'COALESCE(u.age_group, users.age_group)',
  'COALESCE(u.gender, users.gender)',
  'COALESCE(u.city, users.city)',
  'COALESCE(u.lat::float8, users.lat)',
  'COALESCE(u.lon::float8, users.lon)',
  'COALESCE(u.favourite_categories::text[], users.favourite_categories)',
  'COALESCE(u.favourite_brands::text[], users.favourite_brands)',
];

export async function upsertUsers(q: Queryable, rows: readonly UserRow[]): Promise<WriteResult> {
  // One row per user: a second mention of the same user in the batch adds to the first.
  const byId = new Map<string, UserRow>();
  for (const r of rows) {
    const prev = byId.get(r.id);
    byId.set(r.id, prev ? { ...prev, ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) } : r);
  }
  const { columns, params } = columnArrays([...byId.values()], {
    id: (r) => r.id,
    age_group: (r) => r.ageGroup,
    gender: (r) => r.gender,
    city: (r) => r.city,
    lat: (r) => r.lat,
    lon: (r) => r.lon,
    favourite_categories: (r) => r.favouriteCategories,
    favourite_brands: (r) => r.favouriteBrands,
  });
  const created = await q.query(
    `INSERT INTO users (id, ${PROFILE.join(', ')})
     SELECT u.id, u.age_group, u.gender, u.city, u.lat::float8, u.lon::float8,
            COALESCE(u.favourite_categories::text[], '{}'), COALESCE(u.favourite_brands::text[], '{}')
     FROM ${unnest(columns)} ON CONFLICT DO NOTHING RETURNING id`,
    params,
  );
  // Rows just inserted already equal their merge, so the IS DISTINCT FROM guard counts only real changes.
  const updated = await q.query(
    `UPDATE users SET ${PROFILE.map((c, i) => `${c} = ${MERGED[i]}`).join(', ')}
     FROM ${unnest(columns)}
     WHERE users.id = u.id AND (${PROFILE.map((c) => `users.${c}`).join(', ')}) IS DISTINCT FROM (${MERGED.join(', ')})
     RETURNING users.id`,
    params,
  );
  return { created: created.length, updated: updated.length, unchanged: rows.length - created.length - updated.length, rejected: [] };
}
