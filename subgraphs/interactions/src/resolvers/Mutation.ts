import type { InteractionsContext } from '../context';
import { recordInteractions } from '../record';
import type { InteractionInput } from '../validate';

export const Mutation = {
  recordInteractions: async (_: unknown, args: { events: InteractionInput[] }, ctx: InteractionsContext) => {
    const results = await recordInteractions(args.events, { store: ctx.store, bus: ctx.deps.bus, maxBatch: ctx.deps.maxBatch, features: ctx.deps.features });
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return { stored: count('STORED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), results };
  },
};
