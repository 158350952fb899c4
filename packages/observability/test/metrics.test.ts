import { Counter, Registry } from 'prom-client';
import {
  attachRegistry, countCache, countFallback, countFiltered, countServed, registry, renderMetrics, requestIdFrom, stageTimer, subgraphMetrics,
} from '../src';

async function value(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = (metric?.values as { labels: Record<string, string | number>; value: number; metricName?: string }[] | undefined)?.find(
    (v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return sample?.value;
}

describe('process metrics', () => {
  it('times a stage into a millisecond histogram and returns the elapsed time', async () => {
    const done = stageTimer('retrieval');
    await new Promise((r) => setTimeout(r, 20));
    const ms = done();
    expect(ms).toBeGreaterThanOrEqual(19);
    expect(ms).toBeLessThan(1000);
    const text = await renderMetrics();
    // 20 ms lands above the 15 ms bucket and inside the 25 ms one (or 50 ms on a loaded machine).
    expect(text).toMatch(/souk_recommendation_stage_seconds_bucket\{le="0.015",stage="retrieval"\} 0/);
    expect(text).toMatch(/souk_recommendation_stage_seconds_bucket\{le="0.05",stage="retrieval"\} 1/);
    expect(text).toMatch(/souk_recommendation_stage_seconds_count\{stage="retrieval"\} 1/);
    expect(text).toContain('le="0.0005"');
  });

  it('counts fallbacks, filtered items, cache hits and misses, and served lists', async () => {
    countFallback('two-tower', 'timeout');
    countFallback('two-tower', 'timeout');
    countFiltered('out_of_stock', 3);
    countFiltered('closed', 0);
    countCache('user-features', true);
    countCache('user-features', false);
    countCache('user-features', true);
    countServed('two-tower>popularity', 'popularity-v1');
    expect(await value('souk_recommendation_fallbacks_total', { from: 'two-tower', reason: 'timeout' })).toBe(2);
    expect(await value('souk_recommendation_filtered_items_total', { reason: 'out_of_stock' })).toBe(3);
    expect(await value('souk_recommendation_filtered_items_total', { reason: 'closed' })).toBeUndefined();
    expect(await value('souk_cache_hits_total', { cache: 'user-features' })).toBe(2);
    expect(await value('souk_cache_misses_total', { cache: 'user-features' })).toBe(1);
    expect(await value('souk_recommendations_served_total', { path: 'two-tower>popularity', model_version: 'popularity-v1' })).toBe(1);
  });

  it('keeps one series per subgraph and operation, and caps client-chosen operation names', async () => {
    const users = subgraphMetrics('users');
    const catalog = subgraphMetrics('catalog');
    users.observeOperation('query', 'User', 0.002);
    catalog.observeOperation('query', 'User', 0.004);
    users.observeOperation('query', undefined, 0.001);
    for (let i = 0; i < 150; i++) users.observeOperation('query', `Op${i}`, 0.001);
    users.countError('NOT_FOUND');
    users.countError('NOT_FOUND');
    const text = await renderMetrics();
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="users",operation="User",type="query"\} 1/);
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="catalog",operation="User",type="query"\} 1/);
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="users",operation="anonymous",type="query"\} 1/);
    // 2 names + 98 of the 150 fit under the cap of 100; the other 52 share one series.
    expect(text).toMatch(/souk_subgraph_operation_seconds_count\{subgraph="users",operation="other",type="query"\} 52/);
    expect(text.match(/souk_subgraph_operation_seconds_count\{subgraph="users"/g)).toHaveLength(101);
    expect(await value('souk_subgraph_errors_total', { subgraph: 'users', code: 'NOT_FOUND' })).toBe(2);
  });

  it('serves default process metrics and any attached registry', async () => {
    const extra = new Registry();
    new Counter({ name: 'gateway_test_total', help: 'x', registers: [extra] }).inc(4);
    const detach = attachRegistry(extra);
    const text = await renderMetrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/gateway_test_total 4/);
    detach();
    expect(await renderMetrics()).not.toContain('gateway_test_total');
  });
});

describe('request ids', () => {
  it('keeps a usable id and replaces a missing, long or odd one', () => {
    expect(requestIdFrom('test-123')).toBe('test-123');
    expect(requestIdFrom(['abc', 'def'])).toBe('abc');
    const uuid = /^[0-9a-f-]{36}$/;
    expect(requestIdFrom(undefined)).toMatch(uuid);
    expect(requestIdFrom('')).toMatch(uuid);
    expect(requestIdFrom('x'.repeat(129))).toMatch(uuid);
    expect(requestIdFrom('a"b\n{')).toMatch(uuid);
  });
});
