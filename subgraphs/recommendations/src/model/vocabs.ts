import { createHash } from 'node:crypto';
import type { VocabName } from './metadata';

/**
 * A training vocabulary: index = position + 1, and 0 is "unknown", so a value the model never saw
 * (a product created after training) maps to 0 exactly as training/features.py Vocab.encode does.
 */
export class Vocab {
  private readonly index: Map<string, number>;

  constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i + 1]));
  }

  encode(value: string | null | undefined): number {
    return value == null ? 0 : (this.index.get(value) ?? 0);
  }

  /** Same as Vocab.fingerprint() in Python: the first 16 hex of sha256 over the tokens joined by newlines. */
  fingerprint(): string {
    return createHash('sha256').update(this.tokens.join('\n')).digest('hex').slice(0, 16);
  }
}

export type Vocabs = Record<VocabName, Vocab>;
