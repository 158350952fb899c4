import DataLoader from 'dataloader';
import type { Db } from '@souk/db';
import { UserStore, type UserRow } from './store';

export interface UsersDeps {
  db: Db;
}

export interface UsersContext {
  store: UserStore;
  users: DataLoader<string, UserRow | null>;
}

/** A new context per operation, so DataLoader caches never outlive a request. */
export function createContext(deps: UsersDeps): UsersContext {
  const store = new UserStore(deps.db);
  return { store, users: new DataLoader((ids) => store.byIds(ids)) };
}
