import { InvalidInputError } from '@souk/errors';
import type { InteractionsContext } from '../context';

const MAX_RECENT = 200;

export const User = {
  __resolveReference: (ref: { id: string }) => ref,
  recentInteractions: (user: { id: string }, args: { first: number; types?: string[] | null }, ctx: InteractionsContext) => {
    if (args.first < 1 || args.first > MAX_RECENT) throw new InvalidInputError(`first must be between 1 and ${MAX_RECENT}`, { field: 'first' });
    return ctx.recent(args.first, args.types?.length ? [...args.types].sort() : null).load(user.id);
  },
};
