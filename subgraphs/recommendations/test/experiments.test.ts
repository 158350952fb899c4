import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@souk/log';
import { MemoryEventBus } from '@souk/realtime';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { BACKENDS, createTestDb, gql, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { assignVariant, type Experiment } from '../src/experiments';
import { buildRecommendationsSubgraph } from '../src/server';

const experiment: Experiment = {
  name: 'diversity-2026-11',
  variants: [
    { name: 'control', weight: 1, fairness: { maxPerBusiness: 100, maxPerCategory: 100, mmrLambda: 1 } },
    { name: 'diverse', weight: 1, fairness: { maxPerBusiness: 1 } },
  ],
};

describe('variant assignment', () => {
  it('is deterministic per user and proportional to the weights', () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `u_${i}`);
    expect(users.map((u) => assignVariant(experiment, u).name)).toEqual(users.map((u) => assignVariant(experiment, u).name));
    const share = users.filter((u) => assignVariant(experiment, u).name === 'diverse').length / users.length;
    expect(share).toBeGreaterThan(0.48);
    expect(share).toBeLessThan(0.52);
    const skewed: Experiment = { name: 'x', variants: [{ name: 'a', weight: 9 }, { name: 'b', weight: 1 }] };
    const b = users.filter((u) => assignVariant(skewed, u).name === 'b').length / users.length;
    expect(b).toBeGreaterThan(0.08);
    expect(b).toBeLessThan(0.12);
  });
});

describe.each(BACKENDS)('A/B serving and the report query on %s', (backend) => {
  let t: TestDb;
  let server: RunningSubgraph;
  let subgraph: ReturnType<typeof buildRecommendationsSubgraph>;
  const users = Array.from({ length: 12 }, (_, i) => `ab_${i}`);

  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO users (id) SELECT unnest($1::text[])`, [users]);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    subgraph = buildRecommendationsSubgraph({ db: t.db, bus: new MemoryEventBus(), logger: createLogger('test', 'silent'), maxLimit: 50, pushDebounceMs: 10, experiment });
    server = await startSubgraph({ ...subgraph, logger: createLogger('test', 'silent'), port: 0 });
  });
  afterAll(async () => {
    await subgraph.stop();
    await server.stop();
    await t.drop();
  });

  it('serves each user the settings of their variant, and logs every served item with it', async () => {
    const q = `query($u: ID!) { recommendations(userId: $u, context: { vertical: SUPERMARKET, limit: 4 }) { variant items { product { id } } } }`;
    for (const u of users) {
      const res = await gql(server.url, q, { u });
      const list = res.data!.recommendations;
      expect(list.variant).toBe(assignVariant(experiment, u).name);
      const businesses = new Set(list.items.map((i: any) => i.product.id.split('_').slice(0, 3).join('_')));
      // Two supermarkets: the one-per-business variant shows both in its top 2; control needs not.
      if (list.variant === 'diverse') expect(businesses.size).toBe(2);
    }
    await subgraph.impressions.flush();
    const rows = await t.db.query<{ variant: string; n: number }>(
      `SELECT variant, count(*)::int AS n FROM served_impressions WHERE experiment = $1 GROUP BY variant ORDER BY variant`, [experiment.name],
    );
    const expected = ['control', 'diverse'].map((v) => ({ variant: v, n: 4 * users.filter((u) => assignVariant(experiment, u).name === v).length }));
    expect(rows).toEqual(expected.filter((r) => r.n > 0));
  });

  it('the documented A/B query computes click-through and conversion per variant', async () => {
    // Every user clicks their first served item 10 minutes later; control users also buy it.
    await t.db.query(`
      INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at)
      SELECT 'ab-click-' || s.id, s.user_id, s.product_id, 'CLICK', s.served_at + interval '10 minutes'
      FROM served_impressions s WHERE s.rank = 1 AND s.experiment = $1`, [experiment.name]);
    await t.db.query(`
      INSERT INTO interactions (event_id, user_id, product_id, type, occurred_at)
      SELECT 'ab-buy-' || s.id, s.user_id, s.product_id, 'PURCHASE', s.served_at + interval '2 hours'
      FROM served_impressions s WHERE s.rank = 1 AND s.variant = 'control' AND s.experiment = $1`, [experiment.name]);
    const sql = readFileSync(join(__dirname, '..', 'sql', 'ab-report.sql'), 'utf8');
    const report = await t.db.query<{ variant: string; users: number; impressions: number; click_through: number; conversion: number }>(
      sql, [experiment.name, new Date(Date.now() - 3600_000), new Date(Date.now() + 3600_000)],
    );
    for (const r of report) {
      expect(r.click_through).toBeCloseTo(0.25, 4); // 1 of 4 served items per user
      expect(r.conversion).toBeCloseTo(r.variant === 'control' ? 0.25 : 0, 4);
      expect(r.impressions).toBe(4 * r.users);
    }
    expect(report.reduce((s, r) => s + r.users, 0)).toBe(users.length);
  });
});
