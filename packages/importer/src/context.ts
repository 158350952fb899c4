import type { Db } from '@souk/db';
import type { Vertical } from '@souk/domain';
import type { Pii } from './pii';

/** A product as events need it: its internal id and business. */
export interface ProductRef {
  id: string;
  businessId: string;
}

/** State shared by every file of one import run. Caches are filled only after a write commits. */
export interface ImportContext {
  db: Db;
  source: string;
  vertical: Vertical;
  dryRun: boolean;
  pii: Pii;
  /** Source product id -> product; null when the database was asked and has none. */
  products: Map<string, ProductRef | null>;
  /** Source business id -> internal business id. */
  businesses: Map<string, string>;
  /** User ids known to exist, so events do not re-insert them batch after batch. */
  knownUsers: Set<string>;
  /** Categories whose price ranges must be recomputed once products are in. */
  touchedCategories: Set<string>;
  eventsCreated: number;
}
