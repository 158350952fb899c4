import { join, resolve } from 'node:path';

// Where the serving benchmark puts things: its own database, Redis prefix and ports, so that it never
// touches a dev stack's data (PostgreSQL `souk`, Redis prefix `souk`, ports 4000-4004).

export interface BenchOptions {
  users: number;
  products: number;
  businesses: number;
  events: number;
  seed: number;
  fresh: boolean;
  model: boolean;
  epochs?: number;
  rps: number;
  duration: number;
  maxDuration: number;
  warmup: number;
  swaps: number;
  swapDelay: number;
  swapTail: number;
  freshnessTrials: number;
  freshnessTimeout: number;
  recallQueries: number;
  k: number;
  efSearch: number;
  probes: number;
  probesUnfiltered: number;
  publishCpu: number;
  publisherCpu: number;
  publishThreads: number;
  topology: 'one-process' | 'per-service';
  cpuProf?: string;
  nodeFlags: string;
  timeline: boolean;
  pool: number;
  timeoutMs: number;
  abortErrorShare: number;
  pgUrl: string;
  database: string;
  redisUrl: string;
  redisPrefix: string;
  portBase: number;
}

export interface BenchPaths {
  root: string;
  /** .souk/bench: gitignored. Logs, the model's work directory, results. */
  out: string;
  modelWork: string;
  /** The pipeline's last answer, kept so that a later run can republish without retraining. */
  modelState: string;
  python: string;
}

export interface BenchEnv {
  databaseUrl: string;
  /** The server's database, for `CREATE DATABASE`. */
  adminUrl: string;
  redisUrl: string;
  redisPrefix: string;
  ports: { gateway: number; users: number; catalog: number; interactions: number; recommendations: number };
  gatewayUrl: string;
  metricsUrl: string;
}

export function benchPaths(root = resolve(__dirname, '..', '..')): BenchPaths {
  const out = join(root, '.souk', 'bench');
  return {
    root,
    out,
    modelWork: join(out, 'model'),
    modelState: join(out, 'model.json'),
    python: join(root, 'training', '.venv', 'bin', 'python'),
  };
}

export function benchEnv(o: BenchOptions): BenchEnv {
  const base = o.pgUrl.replace(/\/+$/, '');
  const ports = { gateway: o.portBase, users: o.portBase + 1, catalog: o.portBase + 2, interactions: o.portBase + 3, recommendations: o.portBase + 4 };
  return {
    databaseUrl: `${base}/${o.database}`,
    adminUrl: `${base}/postgres`,
    redisUrl: o.redisUrl,
    redisPrefix: o.redisPrefix,
    ports,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    metricsUrl: `http://127.0.0.1:${ports.recommendations}/metrics`,
  };
}

/** The environment of every child that must see the bench's stack (launcher, migrate, generator). */
export function childEnv(env: BenchEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    GATEWAY_PORT: String(env.ports.gateway),
    USERS_PORT: String(env.ports.users),
    CATALOG_PORT: String(env.ports.catalog),
    INTERACTIONS_PORT: String(env.ports.interactions),
    RECOMMENDATIONS_PORT: String(env.ports.recommendations),
    // The subgraphs' own URLs must not leak in from a dev shell.
    USERS_URL: '', CATALOG_URL: '', INTERACTIONS_URL: '', RECOMMENDATIONS_URL: '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extra,
  };
}
