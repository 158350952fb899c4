import { stageTimer } from '@souk/observability';
import type { LiveModel } from '../model/live-model';
import type { RecommendationRequest } from '../recommenders/types';
import type { UserFeatureSource, UserFeatures } from './user-features';

/**
 * A user's features, loaded at most once per request and model. The profile path asks first (is
 * this user cold?) and the two-tower path embeds the same answer, so a request reads the cache, or
 * PostgreSQL, once. Keyed by the request object, which the fallback chain hands to every
 * recommender; a swap between the two asks loads again for the new model's spec and encoder.
 */
export class RequestFeatures {
  private readonly loads = new WeakMap<RecommendationRequest, { model: LiveModel; features: Promise<UserFeatures | null> }>();

  constructor(private readonly source: UserFeatureSource) {}

  load(req: RecommendationRequest, model: LiveModel): Promise<UserFeatures | null> {
    const memo = this.loads.get(req);
    if (memo?.model === model) return memo.features;
    const features = this.fetch(req.userId, model);
    this.loads.set(req, { model, features });
    return features;
  }

  private async fetch(userId: string, model: LiveModel): Promise<UserFeatures | null> {
    const a = model.artifact;
    const s = a.meta.serving;
    const done = stageTimer('user_features');
    try {
      return await this.source.load(userId, { positiveTypes: s.positive_types, historyMax: s.history_max, queryLast: s.query_last, visualLast: s.visual_last }, (t) => a.text.embed(t), a.text.id);
    } finally {
      done();
    }
  }
}
