import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, PgliteDb } from '@souk/db';
import { gql, seedSmallMarketplace } from '@souk/testing';
import { startSouk } from './harness';
import { LiveList } from './live';

// The embedded default: no DATABASE_URL, no REDIS_URL. Everything runs on PGlite in a data
// directory, and what was written survives a restart of the whole stack.
describe('embedded default (PGlite, in-process realtime)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'souk-e2e-'));

  beforeAll(async () => {
    const db = await PgliteDb.open(join(dataDir, 'pglite'));
    await migrate(db);
    await seedSmallMarketplace(db);
    await db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    await db.close();
  }, 60_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves through the gateway, and keeps recorded data across a restart', async () => {
    const env = { SOUK_DATA_DIR: dataDir };
    const query = `{ recommendations(userId: "u_1", context: { vertical: RESTAURANT, limit: 3 }) { items { product { id title } } } }`;

    let souk = await startSouk(env);
    try {
      const res = await gql(souk.gatewayUrl, query);
      expect(res.errors).toBeUndefined();
      expect(res.data!.recommendations.items).toHaveLength(3);

      // Live updates on the in-process bus: a cart event pushes a list without that product.
      type List = { items: { product: { id: string } }[] };
      const live = new LiveList<List>(souk.gatewayUrl, `subscription { recommendationsUpdated(userId: "u_1", context: { vertical: RESTAURANT, limit: 3 }) { items { product { id } } } }`, 'recommendationsUpdated');
      try {
        await live.waitFor(1);
        const top = live.values[0].items[0].product.id;
        const cart = await gql(souk.gatewayUrl, `mutation($p: ID!) { recordInteractions(events: [{ eventId: "cart-e", userId: "u_1", productId: $p, type: ADD_TO_CART }]) { stored } }`, { p: top });
        expect(cart.data!.recordInteractions.stored).toBe(1);
        await live.waitFor(2);
        expect(live.values[1].items.map((i) => i.product.id)).not.toContain(top);
      } finally {
        await live.close();
      }

      const rec = await gql(souk.gatewayUrl, `mutation { recordInteractions(events: [{ eventId: "keep-me", userId: "u_1", productId: "p_0_0_1", type: PURCHASE }]) { stored } }`);
      expect(rec.errors).toBeUndefined();
      expect(rec.data!.recordInteractions.stored).toBe(1);
    } finally {
      await souk.stop();
    }

    souk = await startSouk(env);
    try {
      const res = await gql(souk.gatewayUrl, `{ interactionRecorded(eventId: "keep-me") }`);
      expect(res.data!.interactionRecorded).toBe(true);
      const again = await gql(souk.gatewayUrl, query);
      expect(again.data!.recommendations.items.map((i: any) => i.product.title)).toEqual(
        again.data!.recommendations.items.map((i: any) => `Product ${i.product.id}`),
      );
    } finally {
      await souk.stop();
    }
  }, 120_000);
});
