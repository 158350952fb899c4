import { loadConfig } from '@souk/config';
import { openDb } from '@souk/db';
import { createLogger } from '@souk/log';
import { ItemEmbedder, measureIndexRecall, ModelHolder } from '@souk/subgraph-recommendations';

// Recall@200 of the live embedding table's HNSW index against exact search, for real user vectors
// (the live user tower over sampled users' features), plus both queries' median latency:
//   DATABASE_URL=... npx tsx bench/index-recall.ts [users=200] [ef_search=400] [k=200] [tie_eps=1e-6] [table] [probes=20] [vertical]
// (table: another embedding table of the live model's vectors, e.g. one indexed with other HNSW settings)
// Prints one JSON line. Reads the database only.
(async () => {
  const [users = 200, ef = 400, k = 200, eps = 1e-6] = process.argv.slice(2, 6).map(Number);
  const table = process.argv[6] || undefined;
  const probes = Number(process.argv[7] ?? 20);
  const vertical = process.argv[8] || null; // recall of the query filtered to one vertical
  const config = loadConfig();
  const logger = createLogger('index-recall', 'warn');
  const db = await openDb(config);
  const models = new ModelHolder(db, new ItemEmbedder(db), logger, { pollMs: 60_000, dim: 128 });
  await models.check();
  const live = models.current;
  if (!live) throw new Error('no live model in model_registry: publish one first');
  const sample = await db.query<{ user_id: string }>(
    `SELECT user_id FROM (SELECT DISTINCT user_id FROM interactions WHERE product_id IS NOT NULL) u ORDER BY md5(user_id) LIMIT $1`,
    [users],
  );
  const target = table ? { ...live, table } : live;
  const result = await measureIndexRecall(db, target, sample.map((r) => r.user_id), k, ef, eps, probes, vertical);
  console.log(JSON.stringify({ model_version: live.version, table: target.table, ...result }));
  await models.stop();
  await db.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
