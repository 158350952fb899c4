import type { ImportContext } from './context';
import { businessKey } from './normalise';
import { BUSINESS_REQUIRED, businessValidator, type BusinessRow } from './schemas/business';
import { EVENT_REQUIRED, eventValidator, type EventRow } from './schemas/event';
import type { Raw } from './schemas/fields';
import { PRODUCT_REQUIRED, productValidator, type ProductRow } from './schemas/product';
import { USER_REQUIRED, userValidator, type UserRow } from './schemas/user';
import type { Kind, Validation } from './types';
import type { Pending } from './writers/batch';
import { upsertBusinesses } from './writers/businesses';
import { writeEvents } from './writers/events';
import { recordExternalIds } from './writers/external-ids';
import { writeProducts } from './writers/products';
import type { WriteResult } from './writers/result';
import { upsertUsers } from './writers/users';

/** How one kind of row is checked and stored. */
export interface Entity<T> {
  /** Alias groups a CSV header must contain one of. */
  required: readonly (readonly string[])[];
  validate(values: Raw): Validation<T>;
  write(batch: readonly Pending<T>[]): Promise<WriteResult>;
  /** True when batches may be written concurrently and in any order. */
  independentBatches?: boolean;
}

async function writeBusinesses(ctx: ImportContext, batch: readonly Pending<BusinessRow>[]): Promise<WriteResult> {
  if (ctx.dryRun) return { created: 0, updated: 0, unchanged: batch.length, rejected: [] };
  const learned = new Map<string, string>();
  const result = await ctx.db.transaction(async (q) => {
    const inputs = batch.map(({ value: b }) => ({ ...b, key: businessKey(b.name, b.city), externalIds: b.externalId ? [b.externalId] : [] }));
    const { ids, created, updated } = await upsertBusinesses(q, inputs, ctx.vertical, true);
    for (const b of inputs) for (const ext of b.externalIds) learned.set(ext, ids.get(b.key)!);
    await recordExternalIds(q, 'business', ctx.source, learned);
    return { created, updated, unchanged: Math.max(0, batch.length - created - updated), rejected: [] };
  });
  for (const [ext, id] of learned) ctx.businesses.set(ext, id);
  return result;
}

// The pipeline handles rows opaquely; each entity's validate and write agree on T between themselves.
const opaque = <T>(entity: Entity<T>) => entity as unknown as Entity<unknown>;

export function entityFor(kind: Kind, ctx: ImportContext): Entity<unknown> {
  switch (kind) {
    case 'users':
      return opaque<UserRow>({
        required: USER_REQUIRED,
        validate: userValidator(ctx.pii),
        write: async (batch) => {
          if (ctx.dryRun) return { created: 0, updated: 0, unchanged: batch.length, rejected: [] };
          const result = await upsertUsers(ctx.db, batch.map((p) => p.value));
          for (const p of batch) ctx.knownUsers.add(p.value.id);
          return result;
        },
      });
    case 'businesses':
      return opaque<BusinessRow>({ required: BUSINESS_REQUIRED, validate: businessValidator(), write: (batch) => writeBusinesses(ctx, batch) });
    case 'products':
      return opaque<ProductRow>({ required: PRODUCT_REQUIRED, validate: productValidator(ctx.pii), write: (batch) => writeProducts(ctx, batch) });
    case 'events':
      return opaque<EventRow>({
        required: EVENT_REQUIRED,
        validate: eventValidator(ctx.pii, ctx.source),
        write: (batch) => writeEvents(ctx, batch),
        independentBatches: true,
      });
  }
}
