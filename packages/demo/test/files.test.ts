import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImportFiles } from '../src';

// The marketplace as the common e-commerce CSVs, for the importer and the training pipeline.
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'souk-demo-files-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** RFC 4180 with every field quoted, as the writer produces (fields may hold newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  return rows;
}

const OPTIONS = { users: 50, businesses: 10, products: 200, events: 3_000, seed: 5, now: new Date('2026-03-15T00:00:00Z') };

test('writes products.csv and events.csv in the common e-commerce layout', () => {
  const dir = freshDir();
  const written = writeImportFiles(dir, OPTIONS);
  const [productHeader, ...products] = parseCsv(readFileSync(join(dir, 'products.csv'), 'utf8'));
  const [eventHeader, ...events] = parseCsv(readFileSync(join(dir, 'events.csv'), 'utf8'));

  expect(productHeader).toEqual(['product_id', 'title', 'description', 'metadata']);
  expect(products).toHaveLength(200);
  expect(written.products.rows).toBe(200);
  const metadata = products.map((p) => JSON.parse(p[3]) as { brand: string | null; catalog_id: string });
  expect(metadata.every((m) => 'brand' in m && typeof m.catalog_id === 'string')).toBe(true);
  expect(products.some((p) => /[\u0621-\u064A]/.test(p[1]))).toBe(true);

  expect(eventHeader).toEqual(['buyer_id', 'product_id', 'event_type', 'timestamp']);
  expect(events.length).toBe(written.events.rows);
  expect(new Set(events.map((e) => e[2]))).toEqual(new Set(['View', 'AddToCart', 'Purchase']));
  const ids = new Set(products.map((p) => p[0]));
  expect(events.every((e) => ids.has(e[1]) && /^u_\d{6}$/.test(e[0]) && !Number.isNaN(Date.parse(e[3])))).toBe(true);
});

test('the files are byte-identical for a seed', () => {
  const a = freshDir();
  const b = freshDir();
  writeImportFiles(a, OPTIONS);
  writeImportFiles(b, OPTIONS);
  for (const file of ['products.csv', 'events.csv']) expect(readFileSync(join(a, file))).toEqual(readFileSync(join(b, file)));
});
