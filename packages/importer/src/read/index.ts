import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { FileError, type SourceItem } from '../types';
import { readCsv } from './csv';
import { readJsonl } from './jsonl';

export type Format = 'csv' | 'tsv' | 'jsonl';

/** The format from the extension; an unknown extension is sniffed ('{' first means JSON Lines). */
export async function detectFormat(path: string): Promise<Format> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'jsonl' : 'csv';
  } finally {
    await handle.close();
  }
}

/** Checks up front that the file can be opened, so that an unreadable file is one clear error. */
export async function assertReadable(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    const stat = await handle.stat();
    await handle.close();
    if (!stat.isFile()) throw new FileError(`${path} is not a file`);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function readItems(path: string, format: Format): AsyncGenerator<SourceItem[]> {
  if (format === 'jsonl') return readJsonl(path);
  return readCsv(path, format === 'tsv' ? '\t' : ',');
}
