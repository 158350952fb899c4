import DataLoader from 'dataloader';
import type { Db } from '@souk/db';
import type { AvailabilityStore, EventBus } from '@souk/realtime';
import { CatalogStore, type BusinessRow, type ProductRow } from './store';

export interface CatalogDeps {
  db: Db;
  bus: EventBus;
  /** What recommendations filter on: kept in step with every stock and open/closed write. */
  availability: AvailabilityStore;
}

export interface BusinessProductsKey {
  businessId: string;
  /** Rows to fetch: the page size plus one, to learn whether another page follows. */
  limit: number;
  after: string | null;
}

export interface CatalogContext {
  store: CatalogStore;
  bus: EventBus;
  availability: AvailabilityStore;
  products: DataLoader<string, ProductRow | null>;
  businesses: DataLoader<string, BusinessRow | null>;
  /** Units in stock by product id. */
  stock: DataLoader<string, number>;
  /** A page of each business's products: one query for every business on a page. */
  businessProducts: DataLoader<BusinessProductsKey, ProductRow[], string>;
}

/** A new context per operation, so DataLoader caches never outlive a request. */
export function createContext(deps: CatalogDeps): CatalogContext {
  const store = new CatalogStore(deps.db);
  return {
    store,
    bus: deps.bus,
    availability: deps.availability,
    products: new DataLoader((ids) => store.productsByIds(ids)),
    businesses: new DataLoader((ids) => store.businessesByIds(ids)),
    stock: new DataLoader((ids) => store.stockByProductIds(ids)),
    businessProducts: new DataLoader(
      async (keys) => {
        // Keys asking for the same page shape share one query.
        const groups = new Map<string, BusinessProductsKey[]>();
        for (const k of keys) {
          const shape = JSON.stringify([k.limit, k.after]);
          groups.set(shape, [...(groups.get(shape) ?? []), k]);
        }
        const results = new Map<string, ProductRow[]>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const pages = await store.productsOfBusinesses(group.map((k) => k.businessId), group[0].limit, group[0].after);
            group.forEach((k, i) => results.set(businessProductsKey(k), pages[i]));
          }),
        );
        return keys.map((k) => results.get(businessProductsKey(k)) ?? []);
      },
      { cacheKeyFn: businessProductsKey },
    ),
  };
}

function businessProductsKey(k: BusinessProductsKey): string {
  return JSON.stringify([k.businessId, k.limit, k.after]);
}
