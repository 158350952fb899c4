import type { Db } from '@souk/db';
import type { Logger } from '@souk/log';
import { countModelLoad } from '@souk/observability';
import { loadArtifact, ModelRefusedError, type ModelArtifact } from './artifact';
import { PostgresTextVectors, type TextVectorStore } from './text-vectors';
import type { ItemEmbedder } from './item-embedder';
import { warmUp } from './warm-up';
import { BackgroundLane } from '../background';

/** Products embedded per statement when a version goes live. */
const EMBED_PAGE = 2000;

/** What one request uses, taken once: towers and the embedding table of the same version. */
export interface LiveModel {
  version: number;
  table: string;
  artifact: ModelArtifact;
}

interface RegistryRow {
  version: number;
  artifact_dir: string;
  embedding_table: string;
}

export interface ModelHolderOptions {
  /** How often the registry is read for a newly published version. */
  pollMs: number;
  /** Width of the database's vector column: a model of another width is refused. */
  dim: number;
  /** How long a replaced model stays loaded for requests that started before the swap. */
  graceMs?: number;
  /** How often products missing from the live table are embedded. */
  sweepMs?: number;
  /** Where the sweep runs, one background statement at a time with the subgraph's other refreshes. */
  lane?: BackgroundLane;
}

/**
 * Holds the live model and follows the registry. A publish (training/publish.py) swaps the view
 * and marks the registry row live in one transaction; this notices the new row, loads and checks
 * the artifact, embeds any product the new table lacks, and only then replaces `current` in one
 * assignment. Until then the previous version serves in full: its towers with its own table. A
 * model that fails to load or does not match is refused once (logged and counted) and the
 * previous one keeps serving.
 */
export class ModelHolder {
  current: LiveModel | null = null;
  /** A version between its artifact's load and going live (checkOnce). */
  private loading: LiveModel | null = null;
  private readonly refused = new Set<string>();
  private readonly listeners = new Set<(m: LiveModel) => void>();
  private timers: NodeJS.Timeout[] = [];
  private checking: Promise<void> | null = null;
  /** Search-query vectors embedded by any process before, so that this one need not run MiniLM again. */
  private readonly textStore: TextVectorStore;

  constructor(
    private readonly db: Db,
    private readonly embedder: ItemEmbedder,
    private readonly logger: Logger,
    private readonly opts: ModelHolderOptions,
  ) {
    this.textStore = new PostgresTextVectors(db);
  }

  async start(): Promise<void> {
    await this.check();
    this.timers.push(setInterval(() => void this.check(), this.opts.pollMs).unref());
    const lane = this.opts.lane ?? new BackgroundLane();
    // Its NOT EXISTS over the whole catalog is a background statement: 27 ms on one core for 100k products.
    this.timers.push(setInterval(() => void lane.run(() => this.sweep()), this.opts.sweepMs ?? 30_000).unref());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.checking;
    await this.current?.artifact.release();
    this.current = null;
  }

  /** Called with each model that goes live in this process (live subscriptions recompute). */
  onSwap(listener: (m: LiveModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the registry and swaps if another version is live; concurrent calls share one check. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * Embeds new products with the live product tower into the live table, and with the one going
   * live into its table: a product created while a version loads is then in the new table whether
   * or not that version's own look for missing products came before it.
   */
  async embedProducts(productIds: readonly string[]): Promise<void> {
    if (productIds.length === 0) return;
    const versions = [this.current, this.loading].filter((m): m is LiveModel => m !== null);
    await Promise.all(versions.map((m) => this.embedder.embed(m.artifact, m.table, productIds)));
  }

  private async checkOnce(): Promise<void> {
    let row: RegistryRow | undefined;
    try {
      [row] = await this.db.query<RegistryRow>("SELECT version, artifact_dir, embedding_table FROM model_registry WHERE status = 'live'");
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'model registry unreadable; keeping the current model');
      return;
    }
    if (!row || row.version === this.current?.version) return;
    const key = `${row.version}:${row.artifact_dir}`;
    if (this.refused.has(key)) return;
    const t0 = Date.now();
    let artifact: ModelArtifact | null = null;
    try {
      artifact = await loadArtifact(row.artifact_dir, this.opts.dim, this.textStore);
      if (artifact.version !== row.version) throw new ModelRefusedError(row.artifact_dir, `metadata says version ${artifact.version}, the registry ${row.version}`);
      const [view] = await this.db.query<{ version: number }>('SELECT version FROM item_embeddings LIMIT 1');
      if (view && view.version !== row.version) throw new ModelRefusedError(row.artifact_dir, `the item_embeddings view serves version ${view.version}, the registry ${row.version}`);
      const next: LiveModel = { version: row.version, table: row.embedding_table, artifact };
      this.loading = next;
      // Products created since the publish's snapshot get their vectors before the first request,
      // a page at a time. A page that is not full was the last: each look is an anti-join over the
      // whole catalogue (about 90 ms of a core for 100k products), and asking again only to hear
      // "none" doubled what a swap's go-live took from serving. A product created meanwhile gets
      // its vector from its product.created event (embedProducts embeds into `loading` too).
      let added = 0;
      for (;;) {
        const n = await this.embedder.embed(artifact, row.embedding_table, undefined, EMBED_PAGE);
        added += n;
        if (n < EMBED_PAGE) break;
      }
      await warmUp(this.db, artifact, row.embedding_table, this.embedder);
      const previous = this.current;
      this.current = next;
      this.loading = null;
      countModelLoad('loaded');
      this.logger.info({ version: row.version, ms: Date.now() - t0, embeddedNewProducts: added }, 'model live');
      for (const l of this.listeners) l(next);
      if (previous) setTimeout(() => void previous.artifact.release(), this.opts.graceMs ?? 30_000).unref();
    } catch (err) {
      this.loading = null;
      await artifact?.release();
      if (err instanceof ModelRefusedError) {
        this.refused.add(key);
        countModelLoad('refused');
        this.logger.error({ version: row.version, reason: err.message, serving: this.current?.version ?? null }, 'model refused; the previous model keeps serving');
      } else {
        // Transient (database hiccup while checking): try again on the next poll.
        countModelLoad('error');
        this.logger.warn({ version: row.version, err: (err as Error).message }, 'model load failed; will retry');
      }
    }
  }

  private async sweep(): Promise<void> {
    const live = this.current;
    if (!live) return;
    try {
      const n = await this.embedder.embed(live.artifact, live.table);
      if (n) this.logger.info({ version: live.version, embedded: n }, 'embedded products missing from the live table');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'embedding sweep failed');
    }
  }
}
