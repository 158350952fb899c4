import { createTestDb } from '@souk/testing';
import { generateMarketplace } from './src/generate';
import { planBusinesses } from './src/businesses';
import { planCatalog } from './src/catalog';
import { interactionRows, INTERACTION_COLUMNS } from './src/events';
import { Market } from './src/market';
import { resolveOptions } from './src/options';
(async () => {
  const { db, drop } = await createTestDb('pglite');
  const base = { now: new Date('2026-06-01'), products: 2000, events: 0 };
  await generateMarketplace(db, base);
  const o = resolveOptions({ ...base, events: 50000 });
  const b = planBusinesses(o); const plan = planCatalog(o, b); const m = new Market(plan, b, o.seed);
  const rows = [...interactionRows(o, m)];
  await db.exec('CREATE TABLE i_plain (LIKE interactions INCLUDING DEFAULTS); CREATE TABLE i_idx (LIKE interactions INCLUDING ALL)');
  for (const tbl of ['i_plain', 'i_idx', 'interactions']) {
    const t = performance.now();
    await db.copyRows(tbl, INTERACTION_COLUMNS, rows);
    console.log(tbl, ((performance.now() - t) / 1000).toFixed(2));
  }
  await drop();
})();
