import { buildSubgraphSchema } from '@apollo/subgraph';
import { NotFoundError } from '@souk/errors';
import { createLogger } from '@souk/log';
import gql from 'graphql-tag';
import { startSubgraph, type RequestScope, type RunningSubgraph } from '../src';
import { logSink } from '@souk/testing';

// A toy subgraph: what matters is what the kit adds around any schema (request id, ctx.log,
// operation metrics, error counts), not the resolvers.
const typeDefs = gql`
  type Query { whoami: String  boom: String  missing: String }
`;
const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, ctx: RequestScope) => {
      ctx.log.info('resolving whoami');
      return ctx.requestId;
    },
    boom: () => {
      throw new Error('connection to the database exploded');
    },
    missing: () => {
      throw new NotFoundError('product', 'p_x');
    },
  },
};

describe('request scope of a subgraph', () => {
  let server: RunningSubgraph;
  const { sink, lines } = logSink();

  beforeAll(async () => {
    server = await startSubgraph({
      name: 'toy',
      schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
      context: () => ({}),
      logger: createLogger('toy', 'info', sink).child({ subgraph: 'toy' }),
      port: 0,
    });
  });
  afterAll(() => server.stop());

  const post = (query: string, headers: Record<string, string> = {}, operationName?: string) =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, operationName }) });

  it('puts the incoming x-request-id on the context, the response and every log line', async () => {
    const res = await post('query WhoAmI { whoami }', { 'x-request-id': 'test-123' }, 'WhoAmI');
    expect(res.headers.get('x-request-id')).toBe('test-123');
    expect((await res.json()).data.whoami).toBe('test-123');
    const mine = lines.filter((l) => l.requestId === 'test-123');
    expect(mine.map((l) => l.msg)).toEqual(['resolving whoami', 'graphql operation']);
    expect(mine[1]).toMatchObject({ level: 30, subgraph: 'toy', operation: 'WhoAmI', type: 'query', errors: 0 });
    expect(mine[1].ms).toBeGreaterThan(0);
  });

  it('makes an id when there is none, or when the one sent is unusable', async () => {
    const a = await post('{ whoami }');
    const b = await post('{ whoami }', { 'x-request-id': 'x'.repeat(500) });
    for (const res of [a, b]) {
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await res.json()).data.whoami).toBe(id);
    }
  });

  it('logs an unexpected error once, with the request id, and hides it from the client', async () => {
    const res = await post('{ boom }', { 'x-request-id': 'boom-1' });
    const body = await res.json();
    expect(body.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const errors = lines.filter((l) => l.msg === 'unexpected error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ level: 50, requestId: 'boom-1', subgraph: 'toy', path: ['boom'] });
    expect(errors[0].err.message).toBe('connection to the database exploded');
  });

  it('serves the operation histogram and error counts by code on /metrics', async () => {
    await post('{ missing }');
    await post('{ nope }');
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="toy",operation="WhoAmI",type="query"\} 1\n/);
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="toy",operation="anonymous",type="query"\} 4\n/);
    expect(text).toMatch(/souk_subgraph_errors_total\{subgraph="toy",code="INTERNAL_SERVER_ERROR"\} 1\n/);
    expect(text).toMatch(/souk_subgraph_errors_total\{subgraph="toy",code="NOT_FOUND"\} 1\n/);
    expect(text).toMatch(/souk_subgraph_errors_total\{subgraph="toy",code="GRAPHQL_VALIDATION_FAILED"\} 1\n/);
    expect(text).toContain('process_resident_memory_bytes');
  });
});
