import { openDb } from '@souk/db';
import { loadConfig } from '@souk/config';
import { UserFeatureSource } from '../../subgraphs/recommendations/src/features/user-features';
import { userFeeds } from '../../subgraphs/recommendations/src/features/user-inputs';
import { loadArtifact } from '../../subgraphs/recommendations/src/model/artifact';

// Serving's user vectors for the parity test (two-tower.test.ts), in a process of its own:
// onnxruntime-node rejects typed arrays made inside jest's sandbox.
//   DATABASE_URL=... npx tsx test/e2e/user-vectors.ts <export dir> <user,user,...>
(async () => {
  const [dir, users] = process.argv.slice(2);
  const db = await openDb(loadConfig());
  const model = await loadArtifact(dir, 128);
  const s = model.meta.serving;
  const source = new UserFeatureSource(db, null);
  const out: Record<string, number[]> = {};
  for (const u of users.split(',')) {
    const f = await source.load(u, { positiveTypes: s.positive_types, historyMax: s.history_max, queryLast: s.query_last, visualLast: s.visual_last }, (x) => model.text.embed(x), model.text.id);
    const [vec] = await model.user.embed(userFeeds(model, f, u, []), 1);
    out[u] = Array.from(vec);
  }
  console.log(JSON.stringify(out));
  await model.release();
  await db.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
