import type { RecommendationsContext } from '../context';
import { liveValues } from '../live';
import { parseRequest, type ContextInput } from '../request';
import { sameList, type RecommendationList } from '../service';

export const Subscription = {
  recommendationsUpdated: {
    subscribe: (_: unknown, args: { userId: string; context?: ContextInput | null }, ctx: RecommendationsContext & { requestId?: string }) => {
      const { service, hub, maxLimit } = ctx.deps;
      parseRequest(args.userId, args.context, maxLimit); // reject bad input before subscribing
      return liveValues(hub, args.userId, () => service.recommend(parseRequest(args.userId, args.context, maxLimit), ctx.requestId), sameList);
    },
    resolve: (list: RecommendationList) => list,
  },
};
