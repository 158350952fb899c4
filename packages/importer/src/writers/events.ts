import type { ImportContext, ProductRef } from '../context';
import type { EventRow } from '../schemas/event';
import type { Pending } from './batch';
import { ensureUsers } from './users';
import type { WriteResult } from './result';
import { columnArrays, unnest } from './sql';

/**
 * Resolves source product ids not yet cached: through external_ids for this source first, then as
 * internal product ids (a file exported from Souk itself). Misses are cached as null too, so an
 * unknown id costs one lookup per run, not one per batch.
 */
async function resolveProducts(ctx: ImportContext, refs: readonly string[]): Promise<void> {
  const missing = [...new Set(refs)].filter((r) => !ctx.products.has(r));
  if (!missing.length) return;
  const rows = await ctx.db.query<{ ref: string; id: string; business_id: string }>(
    `SELECT e.external_id AS ref, p.id, p.business_id FROM external_ids e JOIN products p ON p.id = e.internal_id
      WHERE e.entity = 'product' AND e.source = $1 AND e.external_id = ANY($2::text[])
     UNION ALL
     SELECT p.id AS ref, p.id, p.business_id FROM products p WHERE p.id = ANY($2::text[])`,
    [ctx.source, missing],
  );
  const found = new Map<string, ProductRef>();
  for (const r of rows) if (!found.has(r.ref)) found.set(r.ref, { id: r.id, businessId: r.business_id });
  for (const ref of missing) ctx.products.set(ref, found.get(ref) ?? null);
}

export async function writeEvents(ctx: ImportContext, batch: readonly Pending<EventRow>[]): Promise<WriteResult> {
  const refs = batch.map((p) => p.value.product).filter((r): r is string => r !== undefined);
  if (!ctx.dryRun) await resolveProducts(ctx, refs);
  const rejected: WriteResult['rejected'] = [];
  const rows: { e: EventRow; product?: ProductRef }[] = [];
  for (const p of batch) {
    const ref = p.value.product;
    const product = ref === undefined ? undefined : ctx.products.get(ref);
    if (ref !== undefined && !product && !ctx.dryRun) {
      rejected.push({ line: p.line, reason: `product_id ${JSON.stringify(ref)} is not a known product of source "${ctx.source}" (import its products first)` });
      continue;
    }
    rows.push({ e: p.value, product: product ?? undefined });
  }
  if (ctx.dryRun) return { created: 0, updated: 0, unchanged: rows.length, rejected };

  // Sorted keys: concurrent batches then take their row locks in the same order and cannot deadlock.
  const newUsers = [...new Set(rows.map((r) => r.e.userId))].filter((id) => !ctx.knownUsers.has(id)).sort();
  await ensureUsers(ctx.db, newUsers);
  for (const id of newUsers) ctx.knownUsers.add(id);

  rows.sort((a, b) => (a.e.eventId < b.e.eventId ? -1 : a.e.eventId > b.e.eventId ? 1 : 0));
  const { columns, params } = columnArrays(rows, {
    event_id: (r) => r.e.eventId,
    user_id: (r) => r.e.userId,
    product_id: (r) => r.product?.id,
    business_id: (r) => r.product?.businessId,
    type: (r) => r.e.type,
    query: (r) => r.e.query,
    review_text: (r) => r.e.reviewText,
    rating: (r) => r.e.rating,
    occurred_at: (r) => r.e.occurredAt,
    session_id: (r) => r.e.sessionId,
    device: (r) => r.e.device,
  });
  // An event id already stored (a re-import) or repeated within the batch is skipped, not an error.
  const inserted = await ctx.db.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO interactions (event_id, user_id, product_id, business_id, type, query, review_text, rating, occurred_at, session_id, device)
       SELECT u.event_id, u.user_id, u.product_id, u.business_id, u.type, u.query, u.review_text, u.rating::smallint,
              u.occurred_at::timestamptz, u.session_id, u.device
       FROM ${unnest(columns)}
       ON CONFLICT (event_id) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    params,
  );
  const created = inserted[0]?.n ?? 0;
  ctx.eventsCreated += created;
  return { created, updated: 0, unchanged: rows.length - created, rejected };
}
