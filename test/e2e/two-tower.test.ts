import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateMarketplace } from '@souk/demo';
import { createTestDb, gql, repoRoot, waitFor, type TestDb } from '@souk/testing';
import { startSouk, testRedisUrl, type RunningSouk } from './harness';
import { LiveList } from './live';
import { loadArtifact } from '../../subgraphs/recommendations/src/model/artifact';
import { ItemEmbedder } from '../../subgraphs/recommendations/src/model/item-embedder';

// The two-tower pipeline end to end, on PostgreSQL + pgvector and Redis, through the gateway:
// a small generated marketplace, a model trained and published by training/pipeline.py (the same
// command `npm run demo` uses), then serving, new products, live pushes, refusals and swaps.

const run = promisify(execFile);
const PYTHON = join(repoRoot, 'training/.venv/bin/python');

async function pipeline(args: string[]): Promise<{ version: number; status: string; export_dir: string; reason?: string }> {
  const { stdout } = await run(PYTHON, ['-m', 'training.pipeline', ...args], { cwd: repoRoot, maxBuffer: 64 << 20, env: { ...process.env, TQDM_DISABLE: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const RECOMMEND = `query($u: ID!, $c: RecommendationContext) { recommendations(userId: $u, context: $c) {
  modelVersion path items { rank reason product { id stockStatus business { id } } } } }`;
type List = { modelVersion: string; path: string; items: { rank: number; reason: string; product: { id: string; stockStatus: string; business: { id: string } } }[] };

describe('two-tower serving through the gateway', () => {
  let t: TestDb;
  let souk: RunningSouk;
  let work: string;
  let exportDir: string;
  let heavyUser: string;

  const recommend = async (userId: string, context: Record<string, unknown> = {}): Promise<List> => {
    const res = await gql(souk.gatewayUrl, RECOMMEND, { u: userId, c: { limit: 10, ...context } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return (res.data as { recommendations: List }).recommendations;
  };

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await generateMarketplace(t.db, { seed: 5, users: 150, businesses: 40, products: 600, events: 9000 });
    work = mkdtempSync(join(tmpdir(), 'souk-two-tower-'));
    const published = await pipeline(['--dsn', t.url!, '--work', work, '--epochs', '1']);
    expect(published).toMatchObject({ version: 1, status: 'live' });
    exportDir = published.export_dir;
    const [u] = await t.db.query<{ user_id: string }>(`SELECT user_id FROM interactions WHERE type = 'PURCHASE' GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`);
    heavyUser = u.user_id;
    // The stage budgets guard production latency; here they would make the path depend on how busy
    // the test machine is (CI runs other suites beside this one on two cores), so they are wide.
    // Budget fallbacks have their own test in retrieval.test.ts.
    souk = await startSouk({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl, MODEL_POLL_MS: '200', LOG_LEVEL: 'info', RETRIEVAL_BUDGET_MS: '10000', RERANK_BUDGET_MS: '5000' });
  }, 600_000);

  afterAll(async () => {
    await souk?.stop();
    await t?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('serves a user with history from the live model, in stock, each item with a reason', async () => {
    const list = await recommend(heavyUser);
    expect(list.path).toBe('two-tower');
    expect(list.modelVersion).toBe('two-tower-v1');
    expect(list.items).toHaveLength(10);
    for (const item of list.items) {
      expect(item.product.stockStatus).not.toBe('OUT_OF_STOCK');
      expect(item.reason.length).toBeGreaterThan(5);
    }
    // A user Souk does not know goes down the chain to popularity.
    const unknown = await recommend('u_nobody_at_all');
    expect(unknown.path).not.toContain('two-tower');
    expect(unknown.items.length).toBeGreaterThan(0);
  });

  it('serves a cold user with stated preferences the profile path while a model is live, until they interact', async () => {
    // With a model live the profile path reads the user's cached features (the two-tower path's),
    // not a query of its own: the recorded interaction must invalidate them for the path to change.
    const [p] = await t.db.query<{ id: string; category: string }>(
      'SELECT p.id, p.category FROM product_popularity pp JOIN products p ON p.id = pp.product_id ORDER BY pp.score DESC, p.id LIMIT 1',
    );
    await t.db.query('INSERT INTO users (id, favourite_categories) VALUES ($1, $2)', ['u_cold_prefs', [p.category]]);
    const cold = await recommend('u_cold_prefs');
    expect(cold.path).toBe('profile');
    expect(cold.items[0].reason).toBe(`Because you like ${p.category}`);
    const rec = await gql(souk.gatewayUrl, `mutation($p: ID!) { recordInteractions(events: [{ eventId: "cold-prefs-view", userId: "u_cold_prefs", productId: $p, type: VIEW }]) { stored } }`, { p: p.id });
    expect(rec.errors).toBeUndefined();
    expect((await recommend('u_cold_prefs')).path).toBe('two-tower');
  });

  it('builds the user tower inputs exactly as training does (no train/serve skew)', async () => {
    // Before anything below writes interactions: the snapshot the model was trained on is the database.
    const users = (await t.db.query<{ user_id: string }>(`SELECT user_id FROM interactions WHERE product_id IS NOT NULL GROUP BY user_id ORDER BY count(*) DESC LIMIT 4`)).map((r) => r.user_id);
    users.push((await t.db.query<{ id: string }>(`SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = u.id) LIMIT 1`))[0]?.id ?? users[0]);
    const { stdout } = await run(PYTHON, ['-m', 'training.serving_parity', '--snapshot', join(work, 'snapshot'), '--export', exportDir, '--users', users.join(',')], { cwd: repoRoot, maxBuffer: 64 << 20 });
    const want = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number[]>;
    const served = await run('npx', ['tsx', 'test/e2e/user-vectors.ts', exportDir, users.join(',')], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: t.url! }, maxBuffer: 64 << 20 });
    const got = JSON.parse(served.stdout.trim().split('\n').at(-1)!) as Record<string, number[]>;
    for (const u of users) {
      const diff = Math.max(...want[u].map((x, i) => Math.abs(x - got[u][i])));
      expect({ user: u, diff: diff < 1e-4 ? 'ok' : diff }).toEqual({ user: u, diff: 'ok' });
    }
  }, 120_000);

  it('makes a product created through the catalog recommendable within seconds', async () => {
    const first = await recommend(heavyUser);
    const businessId = first.items[0].product.business.id;
    const created = await gql(souk.gatewayUrl, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
      i: { businessId, title: 'Freshly added test product', category: 'Dairy', price: 9.5, stock: 20 },
    });
    expect(created.errors).toBeUndefined();
    const id = (created.data as { createProduct: { id: string } }).createProduct.id;
    const t0 = Date.now();
    let seen = false;
    while (!seen && Date.now() - t0 < 5000) {
      const list = await recommend(heavyUser, { businessId, limit: 50 });
      seen = list.items.some((i) => i.product.id === id);
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(true);
    const [row] = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM item_embeddings_v1 WHERE product_id = $1', [id]);
    expect(row.n).toBe(1);
    // The model's warm-up ran MiniLM and the product tower on a made-up product: it wrote neither.
    const [warm] = await t.db.query<{ rows: number; texts: number }>(
      "SELECT (SELECT count(*) FROM item_embeddings_v1 WHERE product_id = '')::int AS rows, (SELECT count(*) FROM text_embeddings WHERE text = 'warm up')::int AS texts",
    );
    expect(warm).toEqual({ rows: 0, texts: 0 });

    // Embedding it again updates its row in the table partitioned by vertical (key product_id,
    // vertical); after a move to a business of another vertical it has one row, in the new one.
    const artifact = await loadArtifact(exportDir);
    try {
      const embedder = new ItemEmbedder(t.db);
      const rowsOf = () => t.db.query<{ vertical: string; part: string }>('SELECT vertical, tableoid::regclass::text AS part FROM item_embeddings_v1 WHERE product_id = $1', [id]);
      const [before] = await rowsOf();
      await t.db.query("UPDATE item_embeddings_v1 SET embedding = array_fill(0.5, ARRAY[128])::vector WHERE product_id = $1", [id]);
      expect(await embedder.embed(artifact, 'item_embeddings_v1', [id])).toBe(1);
      const [{ replaced }] = await t.db.query<{ replaced: boolean }>("SELECT embedding <> array_fill(0.5, ARRAY[128])::vector AS replaced FROM item_embeddings_v1 WHERE product_id = $1", [id]);
      expect(replaced).toBe(true);
      const [other] = await t.db.query<{ id: string; vertical: string }>('SELECT id, vertical FROM businesses WHERE vertical <> $1 ORDER BY id LIMIT 1', [before.vertical]);
      await t.db.query('UPDATE products SET business_id = $1 WHERE id = $2', [other.id, id]);
      await embedder.embed(artifact, 'item_embeddings_v1', [id]);
      const after = await rowsOf();
      expect(after.map((r) => r.vertical)).toEqual([other.vertical]);
      expect(after[0].part).not.toBe(before.part);
    } finally {
      await artifact.release();
    }
  });

  it('pushes a fresh list to a subscriber after a cart event and after a publish', async () => {
    const live = new LiveList<List>(souk.gatewayUrl, `subscription { recommendationsUpdated(userId: "${heavyUser}", context: { limit: 10 }) { modelVersion path items { product { id } } } }`, 'recommendationsUpdated');
    try {
      await live.waitFor(1);
      const before = live.values[0];
      const cartProduct = before.items[0].product.id;
      const recorded = await gql(souk.gatewayUrl, `mutation($e: [InteractionInput!]!) { recordInteractions(events: $e) { stored } }`, {
        e: [{ eventId: `cart-${randomBytes(4).toString('hex')}`, userId: heavyUser, productId: cartProduct, type: 'ADD_TO_CART' }],
      });
      expect(recorded.errors).toBeUndefined();
      await live.waitFor(2);
      expect(live.values[1].items.map((i) => i.product.id)).not.toEqual(before.items.map((i) => i.product.id));

      const republished = await pipeline(['republish', '--dsn', t.url!, '--export', exportDir, '--snapshot', join(work, 'snapshot')]);
      expect(republished).toMatchObject({ version: 2, status: 'live' });
      await live.waitFor(3, 30_000);
      expect(live.values.at(-1)!.modelVersion).toBe('two-tower-v2');
    } finally {
      await live.close();
    }
  }, 180_000);

  it('runs a tower the same on the main thread and on the model\'s thread, and refuses spoilt files with the reason', async () => {
    const { stdout } = await run('npx', ['tsx', 'test/e2e/onnx-sessions.ts', exportDir], { cwd: repoRoot, maxBuffer: 64 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(r.out.thread.inputNames).toEqual(r.out.local.inputNames);
    expect(r.out.thread.dims).toEqual([2, expect.any(Number)]);
    expect(r.out.thread.embedding).toEqual(r.out.local.embedding);
    expect(new Set(r.out.thread.embedding).size).toBeGreaterThan(1);
    expect(r.released).toMatch(/released/);
    expect(r.vocabSizes).toEqual(r.fileSizes);
    expect(r.vocabSizes.items).toBeGreaterThan(100);
    expect(r.badVocab).toMatch(/^ModelRefusedError: .*vocabulary items has fingerprint [0-9a-f]{16}, metadata says [0-9a-f]{16}/);
    expect(r.badTower).toMatch(/^ModelRefusedError: .*user tower user_tower\.onnx has sha256/);
  }, 120_000);

  it('keeps serving the live model when a published one is broken or does not match', async () => {
    const live = (await recommend(heavyUser)).modelVersion;
    const [{ version: liveVersion, embedding_table: table }] = await t.db.query<{ version: number; embedding_table: string }>("SELECT version, embedding_table FROM model_registry WHERE status = 'live'");
    const register = async (version: number, dir: string) => {
      await t.db.transaction(async (tx) => {
        await tx.query("UPDATE model_registry SET status = 'retired' WHERE status = 'live'");
        await tx.query("INSERT INTO model_registry (version, name, status, embedding_table, artifact_dir) VALUES ($1, 'broken', 'live', $2, $3)", [version, table, dir]);
      });
    };
    const restore = async () => {
      await t.db.transaction(async (tx) => {
        await tx.query("DELETE FROM model_registry WHERE name = 'broken'");
        await tx.query("UPDATE model_registry SET status = 'live' WHERE version = $1", [liveVersion]);
      });
    };
    // A user tower whose bytes are not the ones the metadata hashed.
    const corrupt = mkdtempSync(join(tmpdir(), 'souk-broken-'));
    cpSync(exportDir, corrupt, { recursive: true });
    writeFileSync(join(corrupt, 'user_tower.onnx'), 'not an onnx file');
    // A model whose vectors are not the width the database stores.
    const mismatched = mkdtempSync(join(tmpdir(), 'souk-mismatch-'));
    cpSync(exportDir, mismatched, { recursive: true });
    const meta = JSON.parse(readFileSync(join(mismatched, 'metadata.json'), 'utf8'));
    writeFileSync(join(mismatched, 'metadata.json'), JSON.stringify({ ...meta, model_version: 91, embedding_dim: 64 }));
    try {
      for (const [version, dir] of [[90, corrupt], [91, mismatched]] as const) {
        await register(version, dir);
        await new Promise((r) => setTimeout(r, 1000)); // five registry polls
        const list = await recommend(heavyUser);
        expect(list.modelVersion).toBe(live);
        expect(list.items).toHaveLength(10);
        await restore();
      }
      expect(souk.subgraphsOutput()).toMatch(/model refused; the previous model keeps serving/);
    } finally {
      await restore().catch(() => undefined);
      rmSync(corrupt, { recursive: true, force: true });
      rmSync(mismatched, { recursive: true, force: true });
    }
  });

  it('fails no request while a full publish swaps the model under concurrent load', async () => {
    let stop = false;
    const versions = new Set<string>();
    const failures: string[] = [];
    let requests = 0;
    const client = async (i: number) => {
      while (!stop) {
        requests++;
        try {
          const list = await recommend(heavyUser, { vertical: ['SUPERMARKET', 'RESTAURANT', 'CONVENIENCE', null][i % 4] });
          versions.add(list.modelVersion);
          if (list.items.length === 0) failures.push('empty list');
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    // Products keep being created through the catalog across the publish and the go-live.
    const created: string[] = [];
    const [{ id: businessId }] = await t.db.query<{ id: string }>('SELECT id FROM businesses WHERE is_open ORDER BY id LIMIT 1');
    const creator = async () => {
      for (let k = 0; !stop; k++) {
        const res = await gql(souk.gatewayUrl, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, {
          i: { businessId, title: `Created during the swap ${k}`, category: 'Dairy', price: 3.5, stock: 5 },
        });
        if (res.errors) failures.push(`createProduct: ${JSON.stringify(res.errors)}`);
        else created.push((res.data as { createProduct: { id: string } }).createProduct.id);
        await new Promise((r) => setTimeout(r, 40));
      }
    };
    const clients = [...Array.from({ length: 6 }, (_, i) => client(i)), creator()];
    const before = (await recommend(heavyUser)).modelVersion;
    const republished = await pipeline(['republish', '--dsn', t.url!, '--export', exportDir, '--snapshot', join(work, 'snapshot')]);
    expect(republished.status).toBe('live');
    const want = `two-tower-v${republished.version}`;
    const t0 = Date.now();
    while (!versions.has(want) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect(versions).toContain(before);
    expect(versions).toContain(want);
    // Each is in the new version's table within moments, not only after the 30 s sweep: those
    // created before the new version's look for missing products through that look, the rest
    // through their product.created event, which embeds into a version that is loading as well as
    // into the live one.
    expect(created.length).toBeGreaterThan(5);
    const missing = async () =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM unnest($1::text[]) AS c(id) WHERE NOT EXISTS (SELECT 1 FROM item_embeddings_v${republished.version} e WHERE e.product_id = c.id)`, [created]))[0].n;
    await waitFor('products created across the swap in the new table', async () => (await missing()) === 0, undefined, 5_000).catch(() => undefined);
    expect(await missing()).toBe(0);
  }, 180_000);
});
