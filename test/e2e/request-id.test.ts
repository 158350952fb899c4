import { createTestDb, seedSmallMarketplace, testRedisUrl, waitFor, type TestDb } from '@souk/testing';
import { startSouk, type RunningSouk } from './harness';
import { LiveList } from './live';

// A client's x-request-id comes back from the gateway and shows up in the log lines of the
// subgraphs' process for that request: one id to find a request across processes.
describe.each([
  ['gateway in its own process (HTTP to the subgraphs)', false],
  ['gateway in the subgraphs\' process (operations handed over in process)', true],
])('request id through the gateway on PostgreSQL + Redis: %s', (_, oneProcess) => {
  let t: TestDb;
  let souk: RunningSouk;

  beforeAll(async () => {
    t = await createTestDb('postgres');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    souk = await startSouk({ DATABASE_URL: t.url!, REDIS_URL: testRedisUrl, LOG_LEVEL: 'info' }, { oneProcess });
  }, 120_000);
  afterAll(async () => {
    await souk?.stop();
    await t?.drop();
  });

  it('returns x-request-id and logs it in every subgraph the query reached', async () => {
    const res = await fetch(souk.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'test-123' },
      // inStock is the catalog's alone (title comes with the list): the query reaches both subgraphs.
      body: JSON.stringify({ query: 'query Home { recommendations(userId: "u_1", context: { limit: 3 }) { items { product { title inStock } } } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('test-123');
    expect((await res.json()).data.recommendations.items).toHaveLength(3);

    // The lines travel over another process's stdout pipe: give them a moment to arrive.
    const operations = () =>
      souk.subgraphsOutput().split('\n').filter((l) => l.includes('"requestId":"test-123"')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'graphql operation');
    await waitFor('log lines', async () => operations().length >= 2, undefined, 5_000).catch(() => undefined);
    expect(operations().map((l) => l.subgraph).sort()).toEqual(['catalog', 'recommendations']);
    expect(operations().every((l) => l.operation === 'Home' && l.errors === 0 && l.ms > 0)).toBe(true);
  });

  const subscriptionLines = (id: string) =>
    souk.subgraphsOutput().split('\n').filter((l) => l.includes('"msg":"graphql subscription"')).map((l) => JSON.parse(l)).filter((l) => l.requestId === id);

  it('logs each subscription with the client\'s id in the subgraph that serves it (SSE)', async () => {
    const controller = new AbortController();
    const res = await fetch(souk.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-request-id': 'sub-123' },
      body: JSON.stringify({ query: 'subscription Live { recommendationsUpdated(userId: "u_1", context: { limit: 3 }) { items { product { id } } } }' }),
      signal: controller.signal,
    });
    expect(res.headers.get('x-request-id')).toBe('sub-123');
    const reader = res.body!.getReader();
    let text = '';
    try {
      while (!text.includes('data:')) text += Buffer.from((await reader.read()).value!).toString('utf8');
    } finally {
      controller.abort();
    }
    await waitFor('a subscription log line', async () => subscriptionLines('sub-123').length >= 1, undefined, 5_000).catch(() => undefined);
    expect(subscriptionLines('sub-123')).toEqual([expect.objectContaining({ subgraph: 'recommendations', type: 'subscription' })]);
  });

  it('tells apart two graphql-ws clients\' subscriptions that share the gateway\'s socket to the subgraph', async () => {
    const query = 'subscription { recommendationsUpdated(userId: "u_2", context: { limit: 3 }) { items { product { id } } } }';
    const a = new LiveList<unknown>(souk.gatewayUrl, query, 'recommendationsUpdated', { 'x-request-id': 'ws-a' });
    const b = new LiveList<unknown>(souk.gatewayUrl, query, 'recommendationsUpdated', { 'x-request-id': 'ws-b' });
    try {
      await Promise.all([a.waitFor(1), b.waitFor(1)]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await waitFor('both log lines', async () => subscriptionLines('ws-a').length + subscriptionLines('ws-b').length >= 2, undefined, 5_000).catch(() => undefined);
    expect(subscriptionLines('ws-a')).toHaveLength(1);
    expect(subscriptionLines('ws-b')).toHaveLength(1);
  });

  it('answers a request without an id with a fresh one', async () => {
    const res = await fetch(souk.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the gateway process’s metrics on /metrics', async () => {
    const text = await (await fetch(souk.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/^graphql_gateway_subgraph_execute_duration_count\{subgraphName="catalog",operationName="Home",operationType="query"\} 1$/m);
    expect(text).toMatch(/^graphql_yoga_http_duration_count\{.*operationName="Home"\} 1$/m);
    expect(text).toContain('graphql_yoga_http_duration_bucket{le="0.0005"');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });
});
