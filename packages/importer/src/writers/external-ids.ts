import type { Queryable } from '@souk/db';

export type Entity = 'user' | 'business' | 'product';

/**
 * Records that (source, externalId) is internalId. A later import may re-point a source id (the
 * product was renamed into another dedup key); the mapping then follows the newest import.
 */
export async function recordExternalIds(q: Queryable, entity: Entity, source: string, pairs: ReadonlyMap<string, string>): Promise<void> {
  if (!pairs.size) return;
  await q.query(
    `INSERT INTO external_ids (entity, source, external_id, internal_id)
     SELECT $1, $2, u.external_id, u.internal_id FROM unnest($3::text[], $4::text[]) AS u(external_id, internal_id)
     ON CONFLICT (entity, source, external_id) DO UPDATE SET internal_id = EXCLUDED.internal_id
     WHERE external_ids.internal_id <> EXCLUDED.internal_id`,
    [entity, source, [...pairs.keys()], [...pairs.values()]],
  );
}

export async function lookupExternalIds(q: Queryable, entity: Entity, source: string, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await q.query<{ external_id: string; internal_id: string }>(
    'SELECT external_id, internal_id FROM external_ids WHERE entity = $1 AND source = $2 AND external_id = ANY($3::text[])',
    [entity, source, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, r.internal_id]));
}
