import DataLoader from 'dataloader';
import type { Db } from '@souk/db';
import type { EventBus, FeatureCache } from '@souk/realtime';
import { InteractionStore, type InteractionRow } from './store';

export interface InteractionsDeps {
  db: Db;
  bus: EventBus;
  maxBatch: number;
  popularityHalfLifeDays: number;
  /** Serving's per-user feature cache: entries of users with new events are dropped. */
  features?: FeatureCache | null;
}

export interface InteractionsContext {
  deps: InteractionsDeps;
  store: InteractionStore;
  /** recentInteractions for many users at once, one loader per (first, types) argument set. */
  recent(first: number, types: string[] | null): DataLoader<string, InteractionRow[]>;
}

export function createContext(deps: InteractionsDeps): InteractionsContext {
  const store = new InteractionStore(deps.db, deps.popularityHalfLifeDays);
  const loaders = new Map<string, DataLoader<string, InteractionRow[]>>();
  return {
    deps,
    store,
    recent(first, types) {
      const key = JSON.stringify([first, types]);
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader((ids) => store.recentByUsers(ids, first, types));
        loaders.set(key, loader);
      }
      return loader;
    },
  };
}
