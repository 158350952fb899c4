// What Stage 2, Stage 3 and the reasons need of a retrieved product besides its distance: its facts
// (business, category, brand, price, title, age, popularity) and its vector in the model's table.
// Kept in process per embedding table, so that a request's retrieval statement returns 200 ids and
// distances instead of 200 joined rows with their vectors. That statement's rows (about 250 kB
// of text, vectors hex-encoded) cost 1.4-1.9 ms of this process's CPU per request to parse and
// PostgreSQL 2-3 ms to join (bench:serve, 100k products); a product's second retrieval now costs
// neither.
//
// A product's vector in a table never changes (a new version is a new table). Its facts can: the
// catalog's updateProduct publishes product.changed, which drops the entry at once; popularity
// moves with every interaction and is re-read when an entry is older than the TTL.

export interface CandidateFacts {
  businessId: string;
  category: string;
  brand: string | null;
  price: number;
  priceRange: number;
  title: string;
  createdAt: Date;
  popularity: number;
  /** The product tower's vector (L2-normalised) in this table. */
  embedding: Float32Array;
}

interface Entry {
  facts: CandidateFacts;
  at: number;
}

const TTL_MS = 60_000;
/** Per table; past it the table's entries are dropped and refilled (a bound, not an LRU). */
const MAX_ENTRIES = 200_000;
/** The live table and the one before it (requests that took the model just before a swap). */
const MAX_TABLES = 2;

export class CandidateCache {
  private readonly tables = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly ttlMs = TTL_MS,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  get(table: string, productId: string, now = Date.now()): CandidateFacts | undefined {
    const e = this.tables.get(table)?.get(productId);
    return e && now - e.at < this.ttlMs ? e.facts : undefined;
  }

  set(table: string, productId: string, facts: CandidateFacts, now = Date.now()): void {
    let entries = this.tables.get(table);
    if (!entries) {
      entries = new Map();
      this.tables.set(table, entries);
      // Maps iterate in insertion order: the first key is the oldest table.
      while (this.tables.size > MAX_TABLES) this.tables.delete(this.tables.keys().next().value!);
    }
    if (entries.size >= this.maxEntries) entries.clear();
    entries.set(productId, { facts, at: now });
  }

  /** These products changed in the catalog: read them again when next retrieved. */
  forget(productIds: readonly string[]): void {
    for (const entries of this.tables.values()) for (const id of productIds) entries.delete(id);
  }

  get size(): number {
    let n = 0;
    for (const entries of this.tables.values()) n += entries.size;
    return n;
  }
}
