import type { Db } from '@souk/db';
import type { Logger } from '@souk/log';

export interface ServedItem {
  requestId: string;
  userId: string;
  productId: string;
  rank: number;
  experiment: string;
  variant: string;
  modelVersion: string;
  path: string;
  servedAt: Date;
}

// Impressions are written off the request path: buffered, then COPYed in batches. Losing the
// buffer in a crash loses analytics rows, never a response; a full buffer drops the oldest half
// rather than grow without bound while the database is away.
const FLUSH_MS = 1000;
const FLUSH_ROWS = 2000;
const MAX_BUFFER = 50_000;

export class ImpressionLog {
  private buffer: ServedItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  record(items: ServedItem[]): void {
    this.buffer.push(...items);
    if (this.buffer.length > MAX_BUFFER) {
      const drop = this.buffer.length - MAX_BUFFER / 2;
      this.buffer.splice(0, drop);
      this.dropped += drop;
    }
    if (this.buffer.length >= FLUSH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered; resolves when it is stored (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.db
      .copyRows(
        'served_impressions',
        ['request_id', 'user_id', 'product_id', 'rank', 'experiment', 'variant', 'model_version', 'path', 'served_at'],
        rows.map((r) => [r.requestId, r.userId, r.productId, r.rank, r.experiment, r.variant, r.modelVersion, r.path, r.servedAt]),
      )
      .then(() => undefined)
      .catch((err) => {
        this.dropped += rows.length;
        this.logger.warn({ err: (err as Error).message, rows: rows.length }, 'could not store served impressions');
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }
}
