import { loadConfig } from '@souk/config';
import { createLogger } from '@souk/log';
import { WARM_UP_REQUEST_PREFIX } from '@souk/observability';
import { createTestDb, freePorts, logSink, seedSmallMarketplace, type TestDb, waitFor } from '@souk/testing';
import { startStack, type Stack } from '../src/stack';
import { warmUpRequest } from '../src/warm-up';

describe('warm-up requests', () => {
  const sample = { users: ['u_1', 'u_2', 'u_3'], businesses: ['b_1', 'b_2'], products: ['p_1', 'p_2', 'p_3'] };

  it('vary like a frontend: known and unknown users, every vertical, store pages, carts', () => {
    const requests = Array.from({ length: 40 }, (_, i) => warmUpRequest(i, sample));
    expect(requests.filter((r) => sample.users.includes(r.userId)).length).toBeGreaterThan(30);
    expect(requests.some((r) => r.userId.startsWith(WARM_UP_REQUEST_PREFIX))).toBe(true);
    expect(new Set(requests.map((r) => r.context.vertical ?? 'none'))).toEqual(new Set(['none', 'RESTAURANT', 'CONVENIENCE', 'SUPERMARKET']));
    expect(requests.some((r) => r.context.businessId)).toBe(true);
    expect(requests.some((r) => Array.isArray(r.context.cart))).toBe(true);
  });

  it('use unknown users only when the database has none', () => {
    expect(warmUpRequest(0, { users: [], businesses: [], products: [] }).userId).toMatch(new RegExp(`^${WARM_UP_REQUEST_PREFIX}`));
  });
});

// The one-process stack on the embedded database, asked for a few warm-up requests: they go through
// the gateway before its port opens, and they leave no impressions behind.
describe('the stack warms up through its gateway before it opens the port', () => {
  let t: TestDb;
  let stack: Stack;
  const { sink, lines } = logSink();

  beforeAll(async () => {
    t = await createTestDb('pglite');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    const [gateway, users, catalog, interactions, recommendations, pglite] = (await freePorts(6)).map(String);
    const config = loadConfig({
      GATEWAY_PORT: gateway, USERS_PORT: users, CATALOG_PORT: catalog, INTERACTIONS_PORT: interactions, RECOMMENDATIONS_PORT: recommendations,
      PGLITE_SOCKET_PORT: pglite, SOUK_HMAC_KEY: 'warm-up-test-key', LOG_LEVEL: 'info', WARM_UP_REQUESTS: '12',
    });
    stack = await startStack(config, createLogger('launcher', 'info', sink), { gateway: true, db: t.db });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves every warm-up request, and logs how many', () => {
    const done = lines.find((l) => l.msg === 'warmed up through the gateway');
    expect(done).toMatchObject({ requests: 12, failed: 0 });
    // Each was a whole request in the recommendations subgraph, under its reserved id.
    const operations = lines.filter((l) => l.msg === 'graphql operation' && l.subgraph === 'recommendations' && String(l.requestId).startsWith(WARM_UP_REQUEST_PREFIX));
    expect(operations).toHaveLength(12);
  });

  it('logs no impressions for them, and takes no reserved id from a client', async () => {
    const res = await fetch(stack.gateway!.url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `${WARM_UP_REQUEST_PREFIX}from-a-client` },
      body: JSON.stringify({ query: '{ recommendations(userId: "u_1", context: { limit: 3 }) { items { product { id } } } }' }),
    });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    expect(id!.startsWith(WARM_UP_REQUEST_PREFIX)).toBe(false);
    // The client's list is logged (flushed within a second); nothing under a reserved id ever is.
    type Counts = { client: number; reserved: number };
    const counts = async () =>
      (await t.db.query<Counts>(`SELECT count(*) FILTER (WHERE request_id = $1)::int AS client, count(*) FILTER (WHERE request_id LIKE $2)::int AS reserved FROM served_impressions`, [id, `${WARM_UP_REQUEST_PREFIX}%`]))[0];
    await waitFor('the client request\'s impressions', async () => (await counts()).client === 3, undefined, 5_000);
    expect(await counts()).toEqual({ client: 3, reserved: 0 });
  });
});
