import { createTestDb } from '@souk/testing';
import { planBusinesses } from './src/businesses';
import { planCatalog } from './src/catalog';
import { ImageModel, imageRows } from './src/images';
import { resolveOptions } from './src/options';
(async () => {
  const { db, drop } = await createTestDb('pglite');
  const o = resolveOptions({ now: new Date('2026-06-01'), products: 4000 });
  const b = planBusinesses(o); const plan = planCatalog(o, b); const model = new ImageModel(o.seed);
  const rows = [...imageRows(plan, model)];
  await db.exec('CREATE TABLE t_text (id text, e text); CREATE TABLE t_vec (id text, e vector(1280)); CREATE TABLE t_vec_ext (id text, e vector(1280)); ALTER TABLE t_vec_ext ALTER COLUMN e SET STORAGE EXTERNAL;');
  for (const [tbl, chunk] of [['t_text', 2000], ['t_vec', 2000], ['t_vec_ext', 2000], ['t_vec', 500]] as const) {
    const t = performance.now();
    for (let i = 0; i < rows.length; i += chunk) await db.copyRows(tbl, ['id', 'e'], rows.slice(i, i + chunk));
    console.log(tbl, chunk, ((performance.now() - t) / 1000).toFixed(2));
  }
  let t = performance.now();
  await db.exec('INSERT INTO t_vec_ext SELECT id, e::vector FROM t_text');
  console.log('cast from text', ((performance.now() - t) / 1000).toFixed(2));
  await drop();
})();
