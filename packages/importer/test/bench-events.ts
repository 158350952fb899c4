import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createTestDb } from '@souk/testing';
import { csv, HMAC_KEY, run, tempDir } from './helpers';

// Import speed of a generated events.csv on PostgreSQL (not a jest test: it is a measurement).
//   npx tsx packages/importer/test/bench-events.ts [events=200000]
async function main() {
  const events = Number(process.argv[2] ?? 200_000);
  const files = tempDir();
  const t = await createTestDb('postgres');
  try {
    const products = Array.from({ length: 2000 }, (_, i) => [`p${i}`, `Product ${i}`, { brand: `Brand ${i % 50}`, catalog_id: `c${i % 20}`, category: `cat${i % 30}` }, (1 + (i % 97)).toFixed(2)]);
    const productsCsv = files.write('products.csv', csv(['id', 'title', 'metadata', 'price'], products));
    const path = `${files.dir}/events.csv`;
    const out = createWriteStream(path);
    out.write('buyer_id,product_id,event_type,timestamp,session_id,device\n');
    const types = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase', 'impression'];
    const start = Date.parse('2025-03-01T00:00:00Z') / 1000;
    for (let i = 0; i < events; i++) {
      const line = `user${i % 20000}@example.com,p${(i * 7919) % 2000},${types[i % types.length]},${start + i * 13},s${Math.floor(i / 8)},${i % 2 ? 'ios' : 'web'}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    await run(t.db, [productsCsv]);
    const started = performance.now();
    const report = await run(t.db, [path]);
    const seconds = (performance.now() - started) / 1000;
    const stored = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions'))[0].n;
    console.log(`${events} events: ${report.imported} imported, ${report.rejected} rejected, ${stored} stored, in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s (popularity rebuild included)`);
    const again = performance.now();
    const second = await run(t.db, [path]);
    const s2 = (performance.now() - again) / 1000;
    console.log(`re-import: ${second.files[0].created} new, ${second.files[0].unchanged} unchanged, in ${s2.toFixed(2)} s = ${Math.round(events / s2)} events/s`);
  } finally {
    await t.drop();
    files.remove();
  }
  void HMAC_KEY;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
