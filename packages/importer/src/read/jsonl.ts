import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SourceItem } from '../types';
import { normaliseKeys } from './columns';

/** Streams a JSON Lines file in chunks: one object per line; blank lines are skipped, anything else is a row error. */
export async function* readJsonl(path: string): AsyncGenerator<SourceItem[]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let chunk: SourceItem[] = [];
  for await (const raw of lines) {
    line++;
    if (chunk.length >= 1000) {
      yield chunk;
      chunk = [];
    }
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      chunk.push({ line, error: `is not valid JSON (${(err as Error).message})` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      chunk.push({ line, error: 'is not a JSON object' });
      continue;
    }
    chunk.push({ line, values: normaliseKeys(value as Record<string, unknown>) });
  }
  if (chunk.length) yield chunk;
}
