import type { RecommendationsContext } from '../context';
import { parseRequest, type ContextInput } from '../request';

export const Query = {
  recommendations: (_: unknown, args: { userId: string; context?: ContextInput | null }, ctx: RecommendationsContext & { requestId?: string }) =>
    ctx.deps.service.recommend(parseRequest(args.userId, args.context, ctx.deps.maxLimit), ctx.requestId),
};
