import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodeReply, EncodeRequest, ReadyReply, TextEncoderInit } from './text-encoder-worker';
import type { TextVectorStore } from './text-vectors';

const WORKER = join(__dirname, `text-encoder-worker${extname(__filename)}`);
// Run from TypeScript source (tsx, jest), the worker thread needs a TypeScript loader of its own:
// tsx's require hook, registered before the worker module is required (an `--import tsx` in the
// worker's execArgv did not reach it on Node 20).
const WORKER_SOURCE = extname(__filename) === '.ts'
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(WORKER)});`
  : `require(${JSON.stringify(WORKER)});`;

interface Pending {
  resolve: (vecs: Float32Array[]) => void;
  reject: (err: Error) => void;
  n: number;
}

/**
 * all-MiniLM-L6-v2 in onnxruntime-node: the same frozen encoder training uses for product text and
 * search queries (training/text_encoder.py exports it with mean pooling and L2 normalisation), so a
 * query typed a moment ago and a product created a moment ago get the vectors training would give
 * them. It runs on a worker thread of its own (text-encoder-worker.ts), so the milliseconds a batch
 * takes are not milliseconds of the event loop. Results are cached by text, in process (queries
 * repeat) and, given a store, in the database: a process that starts reads what earlier ones
 * embedded instead of running the encoder again.
 */
export class TextEncoder {
  private readonly cache = new Map<string, Float32Array>();
  private readonly pending = new Map<number, Pending>();
  private worker: Worker | null;
  private nextId = 0;

  private constructor(
    worker: Worker,
    private readonly init: TextEncoderInit,
    readonly dim: number,
    /** Identifies the encoder: cached user features computed with another encoder are recomputed. */
    readonly id: string,
    private readonly store: TextVectorStore | null,
    private readonly maxCached = 20_000,
  ) {
    this.worker = worker;
    this.watch(worker);
  }

  static async load(files: { onnx: string; tokenizer: string }, maxTokens: number, id: string, store: TextVectorStore | null = null): Promise<TextEncoder> {
    const init: TextEncoderInit = { onnx: files.onnx, tokenizer: files.tokenizer, maxTokens };
    const { worker, dim } = await startWorker(init);
    return new TextEncoder(worker, init, dim, id, store);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const found = new Map<string, Float32Array>();
    for (const t of texts) {
      const v = this.cache.get(t);
      if (v) found.set(t, v);
    }
    let missing = [...new Set(texts.filter((t) => !found.has(t)))];
    if (missing.length && this.store) {
      // A store that fails is a miss: the encoder answers, only slower.
      const stored = await this.store.get(this.id, missing).catch(() => new Map<string, Float32Array>());
      for (const [t, v] of stored) if (v.length === this.dim) found.set(t, v);
      missing = missing.filter((t) => !found.has(t));
    }
    if (missing.length) {
      const vecs = await this.run(missing);
      const fresh = new Map(missing.map((t, i) => [t, vecs[i]]));
      for (const [t, v] of fresh) found.set(t, v);
      // Not awaited: the request has its vectors; the store is for the next process.
      this.store?.put(this.id, fresh).catch(() => undefined);
    }
    for (const [t, v] of found) this.remember(t, v);
    return texts.map((t) => found.get(t)!);
  }

  async release(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private remember(text: string, v: Float32Array) {
    if (this.cache.has(text)) return;
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(text, v);
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    // A worker that died (it should not) is replaced on the next call rather than failing every later one.
    if (!this.worker) {
      this.worker = (await startWorker(this.init)).worker;
      this.watch(this.worker);
    }
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      // Only while a batch is out does the worker keep the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject, n: texts.length });
      worker.postMessage({ id, texts } satisfies EncodeRequest);
    });
  }

  private watch(worker: Worker): void {
    worker.on('message', (reply: EncodeReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.settle(reply.id, worker);
      if ('error' in reply) p.reject(new Error(`text encoder: ${reply.error}`));
      else p.resolve(Array.from({ length: p.n }, (_, i) => reply.data.subarray(i * reply.dim, (i + 1) * reply.dim)));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`text encoder worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    if (this.pending.size === 0) worker.unref();
  }

  private settle(id: number, worker: Worker): void {
    this.pending.delete(id);
    if (this.pending.size === 0) worker.unref();
  }
}

/** A worker with the encoder loaded and probed, and the width of its vectors. */
function startWorker(init: TextEncoderInit): Promise<{ worker: Worker; dim: number }> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`text encoder worker exited with code ${code} before it was ready`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (m: ReadyReply) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (m.ready) resolve({ worker, dim: m.dim });
      else {
        void worker.terminate();
        reject(new Error(m.error));
      }
    });
  });
}
