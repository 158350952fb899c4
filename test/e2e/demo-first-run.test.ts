import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, gql, startTs, waitFor } from '@souk/testing';

// What a newcomer's first `npm run demo` does: start on an empty data directory, generate the
// marketplace into the running stack, then answer the example query with real recommendations.
describe('the demo command on an empty data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates the marketplace and serves recommendations through the gateway', async () => {
    const [gateway, users, catalog, interactions, recommendations, pglite] = await freePorts(6);
    const demo = startTs('packages/launcher/src/cli.ts', ['demo', '--users', '150', '--products', '800', '--events', '8000'], {
      SOUK_DATA_DIR: dataDir,
      GATEWAY_PORT: String(gateway), USERS_PORT: String(users), CATALOG_PORT: String(catalog),
      INTERACTIONS_PORT: String(interactions), RECOMMENDATIONS_PORT: String(recommendations), PGLITE_SOCKET_PORT: String(pglite),
    });
    try {
      await waitFor('demo', async () => demo.output().includes('Souk is running'), demo, 90_000);
      expect(demo.output()).toMatch(/Generated the demo marketplace/);
      const res = await gql(`http://127.0.0.1:${gateway}/graphql`, `{
        recommendations(userId: "u_000001", context: { vertical: SUPERMARKET, limit: 5 }) { items { product { title inStock } } }
      }`);
      expect(res.errors).toBeUndefined();
      const items = res.data!.recommendations.items;
      expect(items).toHaveLength(5);
      for (const item of items) expect(item.product.inStock).toBe(true);
    } finally {
      await demo.stop();
    }
  }, 120_000);
});
