import type { Db } from '@souk/db';
import type { LiveHub } from './live';
import type { RecommendationService } from './service';

export interface RecommendationsDeps {
  db: Db;
  service: RecommendationService;
  hub: LiveHub;
  maxLimit: number;
}

export interface RecommendationsContext {
  deps: RecommendationsDeps;
}

export function createContext(deps: RecommendationsDeps): RecommendationsContext {
  return { deps };
}
