import type { Encoded, EncodeRequest, TextEncoderInit } from './text-encoder-worker';
import type { TextVectorStore } from './text-vectors';
import { WorkerClient, workerModule } from './worker-client';

const WORKER = workerModule('text-encoder-worker');
type EncoderThread = WorkerClient<TextEncoderInit, number, EncodeRequest, Encoded>;

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

  private constructor(
    private readonly thread: EncoderThread,
    readonly dim: number,
    /** Identifies the encoder: cached user features computed with another encoder are recomputed. */
    readonly id: string,
    private readonly store: TextVectorStore | null,
    private readonly maxCached = 20_000,
  ) {}

  static async load(files: { onnx: string; tokenizer: string }, maxTokens: number, id: string, store: TextVectorStore | null = null): Promise<TextEncoder> {
    const { client, ready: dim } = await WorkerClient.start<TextEncoderInit, number, EncodeRequest, Encoded>(WORKER, { onnx: files.onnx, tokenizer: files.tokenizer, maxTokens }, 'text encoder');
    return new TextEncoder(client, dim, id, store);
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

  /** Runs the encoder once, caching and storing nothing: its first run allocates and plans (warm-up.ts). */
  async warmUp(): Promise<void> {
    await this.run(['warm up']);
  }

  release(): Promise<void> {
    return this.thread.terminate();
  }

  private remember(text: string, v: Float32Array) {
    if (this.cache.has(text)) return;
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(text, v);
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const { data, dim } = await this.thread.request({ texts });
    return Array.from({ length: texts.length }, (_, i) => data.subarray(i * dim, (i + 1) * dim));
  }
}
