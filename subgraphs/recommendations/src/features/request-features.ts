import { stageTimer } from '@souk/observability';
import type { LiveModel } from '../model/live-model';
import type { RecommendationRequest } from '../recommenders/types';
import type { UserFeatureSource, UserFeatures } from './user-features';

interface Memo {
  model: LiveModel;
  features: Promise<UserFeatures | null>;
}

/**
 * A user's features, loaded at most once per request and model. The profile path asks first (is
 * this user cold?) and the two-tower path embeds the same answer, so a request reads the cache, or
 * PostgreSQL, once. Kept on the request object, which the fallback chain hands to every
 * recommender; a swap between the two asks loads again for the new model's spec and encoder.
 *
 * On the request itself, not in a WeakMap keyed by it: the WeakMap's values outlived their requests
 * through minor GCs, so each request's decoded features (up to 200 history items) were promoted to
 * the old generation. A sampled heap profile of what survived minor GCs in bench:serve had them at
 * 26 MB of 222 MB in 40 s; held on the request, none. Promotion is what brings on the major GCs,
 * and a major GC's second was the largest cluster of a run's slowest 1 %.
 */
export class RequestFeatures {
  /** A key of this instance's own, as the WeakMap was. */
  private readonly key = Symbol('user features');

  constructor(private readonly source: UserFeatureSource) {}

  load(req: RecommendationRequest, model: LiveModel): Promise<UserFeatures | null> {
    const scratch = req as unknown as Record<symbol, Memo | undefined>;
    const memo = scratch[this.key];
    if (memo?.model === model) return memo.features;
    const features = this.fetch(req.userId, model);
    scratch[this.key] = { model, features };
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
