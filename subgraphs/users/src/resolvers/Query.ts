import { InvalidInputError } from '@souk/errors';
import type { UsersContext } from '../context';

export const MAX_PAGE = 100;

export const Query = {
  user: (_: unknown, args: { id: string }, ctx: UsersContext) => ctx.users.load(args.id),
  users: async (_: unknown, args: { first: number; after?: string | null }, ctx: UsersContext) => {
    if (args.first < 1 || args.first > MAX_PAGE) throw new InvalidInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    const rows = await ctx.store.page(args.first + 1, args.after ?? undefined);
    const nodes = rows.slice(0, args.first);
    return { nodes, pageInfo: { endCursor: nodes.at(-1)?.id ?? null, hasNextPage: rows.length > args.first } };
  },
};
