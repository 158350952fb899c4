import type { InteractionsContext } from '../context';

export const Query = {
  interactionRecorded: (_: unknown, args: { eventId: string }, ctx: InteractionsContext) => ctx.store.isRecorded(args.eventId),
};
