import type { VocabName } from './metadata';
import type { SentVocab } from './model-thread-worker';

/**
 * A training vocabulary: index = position + 1, and 0 is "unknown", so a value the model never saw
 * (a product created after training) maps to 0 exactly as training/features.py Vocab.encode does.
 */
export class Vocab {
  private constructor(private readonly index: Map<string, number>) {}

  /**
   * Builds the index a slice at a time, yielding to the event loop between slices: 100k product
   * ids took 25 ms in one piece, a stall for every request in flight during a model swap.
   */
  static async of(tokens: readonly string[], slice = 10_000): Promise<Vocab> {
    const index = new Map<string, number>();
    for (let start = 0; start < tokens.length; start += slice) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const end = Math.min(tokens.length, start + slice);
      for (let i = start; i < end; i++) index.set(tokens[i], i + 1);
    }
    return new Vocab(index);
  }

  get size(): number {
    return this.index.size;
  }

  encode(value: string | null | undefined): number {
    return value == null ? 0 : (this.index.get(value) ?? 0);
  }
}

export type Vocabs = Record<VocabName, Vocab>;

/** The vocabularies the model's worker read and checked (model-thread-worker.ts). */
export async function buildVocabs(sent: Record<string, SentVocab>): Promise<Vocabs> {
  const out: Partial<Vocabs> = {};
  for (const [name, v] of Object.entries(sent)) out[name as VocabName] = await Vocab.of(typeof v === 'string' ? (v === '' ? [] : v.split('\n')) : v);
  return out as Vocabs;
}
