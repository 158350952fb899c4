import { collectDefaultMetrics, Registry } from 'prom-client';

// One registry per process. In the embedded default all four subgraphs (and maybe the gateway)
// share a process, so every metric is registered once here, at module load, and carries a
// `subgraph` label where it is per subgraph; registering per server would throw on the second one.
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

// Registries owned by something that comes and goes (the gateway's prometheus plugin clears its
// registry when the gateway is disposed): rendered after the process registry while attached.
const attached = new Set<Registry>();

export function attachRegistry(r: Registry): () => void {
  attached.add(r);
  return () => void attached.delete(r);
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** The whole process's metrics in the Prometheus text format: what /metrics serves on every port. */
export async function renderMetrics(): Promise<string> {
  let text = await registry.metrics();
  for (const r of attached) text += '\n' + (await r.metrics());
  return text;
}
