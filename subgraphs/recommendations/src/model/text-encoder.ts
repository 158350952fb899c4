import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

/**
 * all-MiniLM-L6-v2 in onnxruntime-node: the same frozen encoder training uses for product text and
 * search queries (training/text_encoder.py exports it with mean pooling and L2 normalisation), so a
 * query typed a moment ago and a product created a moment ago get the vectors training would give
 * them. Results are cached by text: queries repeat, and re-embedding costs milliseconds.
 */
export class TextEncoder {
  private readonly cache = new Map<string, Float32Array>();

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly session: ort.InferenceSession,
    private readonly maxTokens: number,
    readonly dim: number,
    /** Identifies the encoder: cached user features computed with another encoder are recomputed. */
    readonly id: string,
    private readonly maxCached = 20_000,
  ) {}

  static async load(files: { onnx: string; tokenizer: string }, maxTokens: number, id: string): Promise<TextEncoder> {
    const tokenizerJson = JSON.parse(await readFile(files.tokenizer, 'utf8'));
    const tokenizer = new Tokenizer(tokenizerJson, {});
    const session = await ort.InferenceSession.create(files.onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    const enc = new TextEncoder(tokenizer, session, maxTokens, 0, id);
    const [probe] = await enc.run(['probe']);
    return new TextEncoder(tokenizer, session, maxTokens, probe.length, id);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: (Float32Array | undefined)[] = texts.map((t) => this.cache.get(t));
    const missing = [...new Set(texts.filter((_, i) => !out[i]))];
    if (missing.length) {
      const vecs = await this.run(missing);
      missing.forEach((t, i) => this.remember(t, vecs[i]));
      texts.forEach((t, i) => (out[i] ??= this.cache.get(t)));
    }
    return out as Float32Array[];
  }

  private remember(text: string, v: Float32Array) {
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(text, v);
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const encoded = texts.map((t) => this.truncate(this.tokenizer.encode(t).ids));
    const len = Math.max(...encoded.map((ids) => ids.length));
    const n = texts.length;
    const ids = new BigInt64Array(n * len);
    const mask = new BigInt64Array(n * len);
    encoded.forEach((row, i) => row.forEach((id, j) => {
      ids[i * len + j] = BigInt(id);
      mask[i * len + j] = 1n;
    }));
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [n, len]),
      attention_mask: new ort.Tensor('int64', mask, [n, len]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * len), [n, len]),
    };
    const result = await this.session.run(feeds);
    const data = result.embedding.data as Float32Array;
    const dim = data.length / n;
    return texts.map((_, i) => data.slice(i * dim, (i + 1) * dim));
  }

  /** As the Python tokenizer truncates: keep [CLS] and the first tokens, end with [SEP]. */
  private truncate(ids: number[]): number[] {
    return ids.length <= this.maxTokens ? ids : [...ids.slice(0, this.maxTokens - 1), ids[ids.length - 1]];
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
