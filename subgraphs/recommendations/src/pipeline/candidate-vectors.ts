import type { Db } from '@souk/db';
import { countCache } from '@souk/observability';
import { embeddings } from './retrieval';

// Products whose vectors are kept per model version: 50k x 128 float32 is 25.6 MB.
const CAPACITY = 50_000;
// The live version's table and the one before it: requests that started before a swap finish on
// the old version for a moment, and older tables are served by no one.
const TABLES_KEPT = 2;

/**
 * The product vectors Stage 3's MMR compares, for the ~30 candidates Stage 2 kept. They were a
 * primary-key read of the live table on every request, after the re-ranker: 1.5-1.9 ms at p50 and
 * 10-34 ms at p99 under bench:serve's load, often past its 20 ms budget (then diversity fell back
 * to attributes). A version's vectors do not change once written, and the products that reach the
 * top of someone's list are a small, repeating part of the catalogue, so each is read once per
 * version and then served from memory; only the misses go to PostgreSQL, in one statement.
 * `forget` drops products the catalog changed, in case they are embedded again.
 */
export class CandidateVectors {
  private readonly byTable = new Map<string, VectorSlab>();

  constructor(
    private readonly db: Db,
    private readonly capacity = CAPACITY,
  ) {}

  /** The vectors of these products in `table`; a product without a row is left out. */
  async read(table: string, productIds: readonly string[]): Promise<Map<string, Float32Array>> {
    const slab = this.slabFor(table);
    const out = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const id of productIds) {
      const v = slab.get(id);
      if (v) out.set(id, v);
      else missing.push(id);
    }
    countCache('candidate_vectors', true, out.size);
    countCache('candidate_vectors', false, missing.length);
    if (missing.length) {
      for (const [id, v] of await embeddings(this.db, table, missing)) {
        slab.set(id, v);
        out.set(id, v);
      }
    }
    return out;
  }

  forget(productIds: readonly string[]): void {
    for (const slab of this.byTable.values()) for (const id of productIds) slab.delete(id);
  }

  private slabFor(table: string): VectorSlab {
    let slab = this.byTable.get(table);
    if (!slab) {
      // A new version takes the memory of the one two versions back, which no request reads any
      // more, rather than 25.6 MB of its own. Each fresh slab counted against V8's limit on
      // external memory until a major GC freed the one dropped, so the second swap of a run went
      // past it and forced a full collection on the main thread at its go-live: a 20 ms scavenge,
      // then a mark-compact with a 22 ms pause and a 17 ms marking step, in the slowest second of
      // bench:serve's swap runs (--trace-gc).
      let recycled: VectorSlab | undefined;
      if (this.byTable.size >= TABLES_KEPT) {
        const [oldest, oldSlab] = this.byTable.entries().next().value as [string, VectorSlab];
        this.byTable.delete(oldest);
        recycled = oldSlab.reset();
      }
      slab = recycled ?? new VectorSlab(this.capacity);
      this.byTable.set(table, slab);
    }
    return slab;
  }
}

/**
 * Fixed-size store of equal-width vectors in one Float32Array (one object for the GC to trace, not
 * one per product); when full, the slot written longest ago is reused. `get` returns a copy: a
 * request holds its vectors across awaits, while other requests may reuse the slot.
 */
export class VectorSlab {
  private data: Float32Array | null = null;
  private dim = 0;
  private readonly ids: (string | undefined)[];
  private readonly slots = new Map<string, number>();
  private next = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`VectorSlab capacity must be at least 1, not ${capacity}`);
    this.ids = new Array(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.data!.slice(slot * this.dim, (slot + 1) * this.dim);
  }

  /** Empties the slab for another table; its memory is kept while the vectors are as wide. */
  reset(): this {
    this.ids.fill(undefined);
    this.slots.clear();
    this.next = 0;
    this.dim = 0;
    return this;
  }

  set(id: string, v: Float32Array): void {
    let data = this.data;
    if (this.dim === 0) {
      this.dim = v.length;
      if (data?.length !== this.capacity * this.dim) data = this.data = new Float32Array(this.capacity * this.dim);
    }
    if (v.length !== this.dim) throw new Error(`vector of ${v.length} for ${id} in a slab of ${this.dim}`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.next;
      this.next = (this.next + 1) % this.capacity;
      const evicted = this.ids[slot];
      if (evicted !== undefined) this.slots.delete(evicted);
      this.ids[slot] = id;
      this.slots.set(id, slot);
    }
    data!.set(v, slot * this.dim); // set once the width is known
  }

  delete(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.ids[slot] = undefined;
  }
}
