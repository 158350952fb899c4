import type { Logger } from '@souk/log';
import { countFallback, recommenderTimer } from '@souk/observability';
import type { Candidate, RecommendationRequest, Recommender } from './types';

export interface ChainResult {
  candidates: Candidate[];
  path: string;
  modelVersion: string;
}

/**
 * Tries each recommender in order and serves the first non-empty answer; one that throws or
 * returns nothing hands over to the next, so a valid request is never failed by one strategy.
 * The path names every strategy that was tried ("two-tower>popularity"). A recommender that
 * answers `null` does not apply to the request (the cold-start path for a user with history): it
 * is skipped without counting as a fallback or appearing in the path.
 */
export class FallbackChain {
  constructor(
    private readonly recommenders: Recommender[],
    private readonly logger: Logger,
  ) {}

  async recommend(req: RecommendationRequest): Promise<ChainResult> {
    const tried: string[] = [];
    for (const r of this.recommenders) {
      const done = recommenderTimer(r.name);
      const handsOver = r !== this.recommenders.at(-1);
      try {
        const candidates = await r.recommend(req);
        if (candidates === null) {
          done('not-applicable');
          continue;
        }
        tried.push(r.name);
        done(candidates.length > 0 ? 'served' : 'empty');
        if (candidates.length > 0) return { candidates, path: tried.join('>'), modelVersion: r.modelVersion };
        if (handsOver) countFallback(r.name, 'empty');
      } catch (err) {
        tried.push(r.name);
        done('error');
        if (handsOver) countFallback(r.name, err instanceof Error && err.name === 'BudgetExceededError' ? 'timeout' : 'error');
        this.logger.warn({ err, recommender: r.name }, 'recommender failed; falling back');
      }
    }
    const last = this.recommenders.at(-1);
    return { candidates: [], path: tried.join('>'), modelVersion: last?.modelVersion ?? 'none' };
  }
}
