import { loadConfig } from '@souk/config';
import { createLogger } from '@souk/log';
import { createTestDb, freePorts, logSink, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { startStack, type Stack } from '../src/stack';

// The embedded default: four subgraphs and the gateway in one process. Metrics must register once
// (no "already registered"), every port must serve the process's metrics, and a request id must
// reach the subgraphs' log lines.
describe('observability of the embedded default', () => {
  let t: TestDb;
  let stack: Stack;
  let ports: number[];
  const { sink, lines } = logSink();

  beforeAll(async () => {
    t = await createTestDb('pglite');
    await seedSmallMarketplace(t.db);
    await t.db.query(`INSERT INTO product_popularity (product_id, score, events) SELECT id, length(id), 1 FROM products`);
    ports = await freePorts(6);
    const [gateway, users, catalog, interactions, recommendations, pglite] = ports.map(String);
    const config = loadConfig({
      GATEWAY_PORT: gateway, USERS_PORT: users, CATALOG_PORT: catalog, INTERACTIONS_PORT: interactions, RECOMMENDATIONS_PORT: recommendations,
      PGLITE_SOCKET_PORT: pglite, SOUK_HMAC_KEY: 'observability-test-key', LOG_LEVEL: 'info',
    });
    stack = await startStack(config, createLogger('launcher', 'info', sink), { gateway: true, db: t.db });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const query = (headers: Record<string, string> = {}) =>
    fetch(stack.gateway!.url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        // inStock is the catalog's alone (title comes with the list): the query reaches both subgraphs.
        query: 'query Home { recommendations(userId: "u_1", context: { vertical: SUPERMARKET, limit: 3 }) { items { product { id title inStock } } } }',
      }),
    });

  it('carries the client’s x-request-id to the response and to every subgraph it reached', async () => {
    const res = await query({ 'x-request-id': 'test-123' });
    expect(res.headers.get('x-request-id')).toBe('test-123');
    expect((await res.json()).data.recommendations.items).toHaveLength(3);
    const ops = lines.filter((l) => l.msg === 'graphql operation' && l.requestId === 'test-123');
    // recommendations picks the products, catalog resolves their titles.
    expect(ops.map((l) => l.subgraph).sort()).toEqual(['catalog', 'recommendations']);
  });

  it('makes a request id when the client sends none, the same one in the response and the subgraphs', async () => {
    const res = await query();
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await res.json();
    expect(lines.filter((l) => l.msg === 'graphql operation' && l.requestId === id)).toHaveLength(2);
  });

  it('serves the same process metrics on every port, the gateway’s included', async () => {
    const [gateway, users] = ports;
    for (const port of [gateway, users]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^souk_subgraph_operation_seconds_count\{subgraph="recommendations",operation="Home",type="query"\} 2$/m);
      expect(text).toMatch(/^souk_subgraph_operation_seconds_count\{subgraph="catalog",.*\} 2$/m);
      expect(text).toMatch(/^souk_recommendations_served_total\{path="popularity",model_version="popularity-v1"\} 2$/m);
      expect(text).toMatch(/^graphql_yoga_http_duration_count\{method="POST",statusCode="200",operationType="query",operationName="Home"\} 2$/m);
      expect(text).toMatch(/^graphql_gateway_subgraph_execute_duration_count\{subgraphName="recommendations",.*\} 2$/m);
      expect(text).toContain('graphql_gateway_subgraph_execute_duration_bucket{le="0.0005"');
      expect(text.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
    }
  });
});
