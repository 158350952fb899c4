import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { SourceItem } from '../types';
import { columnName } from './columns';

const CHUNK = 1000;

interface Parsed {
  record: string[];
  info: { lines: number };
}

/**
 * Streams a CSV file in chunks of items: first its header, then one item per data row with the
 * line it starts on (chunks, because one await per row costs more than parsing the row).
 * Rows the CSV parser cannot read (a broken quote) and rows with the wrong number of fields become
 * error items, so one bad row never stops the file.
 */
export async function* readCsv(path: string, delimiter = ','): AsyncGenerator<SourceItem[]> {
  const parser = createReadStream(path).pipe(
    parse({ delimiter, bom: true, info: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true }),
  );
  const skipped: SourceItem[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, error: `unreadable CSV row: ${err.message}` });
  });
  let header: string[] | undefined;
  let chunk: SourceItem[] = [];
  for await (const { record, info } of parser as AsyncIterable<Parsed>) {
    if (skipped.length) chunk.push(...skipped.splice(0));
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
    // info.lines is the line the record ends on; a quoted field may span several lines.
    let line = info.lines;
    for (const field of record) if (field.includes('\n')) line -= field.split('\n').length - 1;
    if (!header) {
      header = record.map(columnName);
      chunk.push({ header });
      continue;
    }
    if (record.length !== header.length) {
      chunk.push({ line, error: `has ${record.length} fields but the header has ${header.length}` });
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) values[header[i]] = record[i];
    chunk.push({ line, values });
  }
  chunk.push(...skipped);
  if (chunk.length) yield chunk;
}
