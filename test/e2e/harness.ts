import { randomBytes } from 'node:crypto';
import { freePorts, gql, startTs, testRedisUrl, waitFor, type SoukProcess } from '@souk/testing';

export interface RunningSouk {
  gatewayUrl: string;
  /** Prometheus text of the subgraphs' process (every subgraph port serves the same registry). */
  metricsUrl: string;
  /** Everything the subgraphs' process has written to stdout and stderr so far (pino JSON lines). */
  subgraphsOutput(): string;
  stop(): Promise<void>;
}

/**
 * Starts Souk as real processes: one serving the four subgraphs, one running the gateway, talking
 * over HTTP/WebSocket exactly as in production; or, with `oneProcess`, the launcher's single process
 * with the gateway in it (as `npm run demo` runs), where the gateway calls the subgraphs in process.
 * `env` picks the storage (DATABASE_URL/REDIS_URL, or SOUK_DATA_DIR for the embedded default).
 */
export async function startSouk(env: Record<string, string>, options: { oneProcess?: boolean } = {}): Promise<RunningSouk> {
  const [gateway, users, catalog, interactions, recommendations, pglite] = await freePorts(6);
  const common = {
    // Tests need no warm JIT: a test that is about the warm-up asks for it.
    WARM_UP_REQUESTS: '0',
    ...env,
    GATEWAY_PORT: String(gateway),
    USERS_PORT: String(users),
    CATALOG_PORT: String(catalog),
    INTERACTIONS_PORT: String(interactions),
    RECOMMENDATIONS_PORT: String(recommendations),
    PGLITE_SOCKET_PORT: String(pglite),
    PUSH_DEBOUNCE_MS: '50',
    REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
  };
  const procs: SoukProcess[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    if (options.oneProcess) {
      // The launcher's stack with the gateway beside the subgraphs, which it calls in process.
      const souk = startTs('packages/launcher/src/cli.ts', ['serve', '--gateway'], common);
      procs.push(souk);
      const gatewayUrl = `http://127.0.0.1:${gateway}/graphql`;
      await waitFor('gateway', async () => (await gql(gatewayUrl, '{ __typename }')).data?.__typename === 'Query', souk);
      return { gatewayUrl, metricsUrl: `http://127.0.0.1:${recommendations}/metrics`, subgraphsOutput: () => souk.output(), stop };
    }
    const subgraphs = startTs('packages/launcher/src/cli.ts', ['serve'], common);
    procs.push(subgraphs);
    await waitFor('subgraphs', async () => (await fetch(`http://127.0.0.1:${recommendations}/health`)).ok, subgraphs);
    const gw = startTs('gateway/src/index.ts', [], common);
    procs.push(gw);
    const gatewayUrl = `http://127.0.0.1:${gateway}/graphql`;
    await waitFor('gateway', async () => (await gql(gatewayUrl, '{ __typename }')).data?.__typename === 'Query', gw);
    return { gatewayUrl, metricsUrl: `http://127.0.0.1:${recommendations}/metrics`, subgraphsOutput: () => subgraphs.output(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { testRedisUrl };
