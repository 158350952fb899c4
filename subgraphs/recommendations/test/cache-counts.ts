import { registry } from '@souk/observability';

/** This process's souk_cache_{hits,misses}_total for one cache, summed over its samples. */
export async function cacheCount(cache: string, kind: 'hits' | 'misses'): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === `souk_cache_${kind}_total`);
  return (m?.values ?? []).filter((v) => v.labels.cache === cache).reduce((sum, v) => sum + v.value, 0);
}
