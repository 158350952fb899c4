import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from './buckets';
import { registry } from './registry';

const operationSeconds = new Histogram({
  name: 'souk_subgraph_operation_seconds',
  help: 'Time a subgraph spends on one GraphQL operation, from request to response',
  labelNames: ['subgraph', 'operation', 'type'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const errorsTotal = new Counter({
  name: 'souk_subgraph_errors_total',
  help: 'GraphQL errors a subgraph returned, by extensions.code',
  labelNames: ['subgraph', 'code'] as const,
  registers: [registry],
});

// Operation names come from clients (through the gateway): past this many per subgraph, new ones
// are counted as "other" so that a misbehaving client cannot grow the series without bound.
const MAX_OPERATION_NAMES = 100;

type Observe = (seconds: number) => void;

/** Per-subgraph recorders; the labelled series are cached so a request costs one map lookup. */
export function subgraphMetrics(subgraph: string) {
  const series = new Map<string, Observe>();
  const errorSeries = new Map<string, () => void>();
  return {
    /** Records an operation's duration; `operation` is its name ("anonymous" when it has none). */
    observeOperation(type: string, operation: string | undefined, seconds: number): void {
      const key = `${type} ${operation ?? ''}`;
      let observe = series.get(key);
      if (!observe) {
        const name = series.size < MAX_OPERATION_NAMES ? (operation ?? 'anonymous') : 'other';
        const child = operationSeconds.labels({ subgraph, operation: name, type });
        observe = (s) => child.observe(s);
        if (name !== 'other') series.set(key, observe);
      }
      observe(seconds);
    },
    countError(code: string): void {
      let inc = errorSeries.get(code);
      if (!inc) {
        const child = errorsTotal.labels({ subgraph, code });
        inc = () => child.inc();
        errorSeries.set(code, inc);
      }
      inc();
    },
  };
}

export type SubgraphMetrics = ReturnType<typeof subgraphMetrics>;
