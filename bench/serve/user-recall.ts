import { join } from 'node:path';
import { childEnv, type BenchEnv, type BenchPaths } from './config';
import { lastJson, run, TSX } from './proc';

// Recall with real user vectors: bench/index-recall.ts (the recommendations subgraph's
// measureIndexRecall) embeds sampled users with the live user tower, as a request would, and
// compares the live table's HNSW top-k with the exact top-k. Its latency figures include the
// transaction around each query (BEGIN, set_config, COMMIT), so they are reported apart from the
// bare pgvector timing.

export interface UserRecall {
  model_version: number;
  table: string;
  users: number;
  k: number;
  efSearch: number;
  recall: number;
  hnswP50Ms: number;
  exactP50Ms: number;
}

export async function userVectorRecall(env: BenchEnv, paths: BenchPaths, o: { users: number; k: number; efSearch: number; probes: number }): Promise<UserRecall | { error: string }> {
  try {
    const r = await run([...TSX, 'bench/index-recall.ts', String(o.users), String(o.efSearch), String(o.k), '1e-6', '', String(o.probes)], {
      cwd: paths.root, env: childEnv(env), log: join(paths.out, 'index-recall.log'),
    });
    if (r.code !== 0) return { error: `bench/index-recall.ts exited with ${r.code}: ${r.tail.slice(-2).join(' | ').slice(0, 300)}` };
    const j = lastJson(r);
    if (typeof j.recall !== 'number') return { error: `bench/index-recall.ts answered without a recall: ${r.lastLine.slice(0, 200)}` };
    return j as unknown as UserRecall;
  } catch (err) {
    return { error: (err as Error).message };
  }
}
