import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

// The one place that reads process.env. Every bad variable is reported together, at start-up.

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    })
    .optional();

const schema = z.object({
  DATABASE_URL: url(['postgres', 'postgresql']),
  REDIS_URL: url(['redis', 'rediss']),
  // Prefix of every Redis key and channel, so deployments (and test runs) can share one Redis.
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('souk'),
  SOUK_DATA_DIR: z.string().min(1).default('.souk'),
  SOUK_HMAC_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GATEWAY_PORT: port(4000),
  USERS_PORT: port(4001),
  CATALOG_PORT: port(4002),
  INTERACTIONS_PORT: port(4003),
  RECOMMENDATIONS_PORT: port(4004),
  // The embedded database is also served over the Postgres wire protocol, so that psql and the
  // Python trainer can reach it while the demo runs.
  PGLITE_SOCKET_PORT: port(5433),
  SUBGRAPH_HOST: z.string().min(1).default('127.0.0.1'),
  // Where the gateway finds each subgraph, when they do not all run on SUBGRAPH_HOST (containers).
  USERS_URL: url(['http', 'https']),
  CATALOG_URL: url(['http', 'https']),
  INTERACTIONS_URL: url(['http', 'https']),
  RECOMMENDATIONS_URL: url(['http', 'https']),
  // The gateway's federation planner and executor: Hive Router's (Rust planner, lean executor) or
  // Hive Gateway's JavaScript stitching runtime. bench:serve measured both (README "Serving").
  GATEWAY_QUERY_PLANNER: z.enum(['rust', 'js']).default('rust'),
  // When the launcher serves the gateway beside the subgraphs (one process): hand them operations
  // in process, or send them over HTTP to their ports as a separate gateway would.
  GATEWAY_SUBGRAPH_TRANSPORT: z.enum(['in-process', 'http']).default('in-process'),
  MAX_INTERACTION_BATCH: z.coerce.number().int().min(1).max(10000).default(500),
  MAX_RECOMMENDATIONS: z.coerce.number().int().min(1).max(200).default(50),
  POPULARITY_HALF_LIFE_DAYS: z.coerce.number().positive().default(14),
  // Stage 3 of the pipeline; unset values keep the recommendations subgraph's defaults.
  FAIRNESS_NEW_BUSINESS_DAYS: z.coerce.number().min(0).optional(),
  FAIRNESS_NEW_BOOST: z.coerce.number().min(0).max(10).optional(),
  FAIRNESS_SMALL_BOOST: z.coerce.number().min(0).max(10).optional(),
  MAX_PER_BUSINESS: z.coerce.number().int().min(1).optional(),
  MAX_PER_CATEGORY: z.coerce.number().int().min(1).optional(),
  MMR_LAMBDA: z.coerce.number().min(0).max(1).optional(),
  // Stage 1 and 2 (the two-tower pipeline, once a model is live).
  RETRIEVAL_CANDIDATES: z.coerce.number().int().min(10).max(2000).default(200),
  // HNSW returns at most ef_search rows, and recall@200 needs well over 200 (measured by bench:serve).
  HNSW_EF_SEARCH: z.coerce.number().int().min(10).max(4000).default(400),
  // The same for an IVFFlat index (training/publish.py's default): lists scanned in each partition
  // (one per vertical, sqrt(its rows) lists) a query reads. On the 100k-product bench (145-239 lists
  // a vertical), recall@200 against exact search for live user vectors, one run of 200 users each:
  // - filtered to a vertical, one partition: probes 20 gave 0.964-0.993 at 2.1-2.9 ms; 14 gave 0.914-0.954;
  // - unfiltered, all three partitions merged: probes 14 gave 0.976 at 3.4 ms, 20 gave 0.991 at 7.7 ms.
  // Unfiltered, each partition need only hold its share of the top 200: fewer lists do.
  IVFFLAT_PROBES: z.coerce.number().int().min(1).max(10000).default(20),
  IVFFLAT_PROBES_UNFILTERED: z.coerce.number().int().min(1).max(10000).default(14),
  // Past its budget a stage hands over: retrieval to the popularity path, re-ranking to retrieval order.
  RETRIEVAL_BUDGET_MS: z.coerce.number().int().min(1).default(150),
  RERANK_BUDGET_MS: z.coerce.number().int().min(1).default(20),
  // How often each recommendations instance reads the registry for a newly published model.
  MODEL_POLL_MS: z.coerce.number().int().min(100).default(2000),
  // V8's garbage collector in each serving process (gc.ts says why); 0 leaves V8's own choice.
  GC_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(300),
  GC_MARKING_THREADS: z.coerce.number().int().min(0).max(64).default(1),
  // Recommendation requests the one-process stack sends through its own gateway before it opens the
  // port (packages/launcher/src/warm-up.ts). Unset: 1,500 on PostgreSQL, none on the embedded
  // PGlite, whose single connection would take minutes over them.
  WARM_UP_REQUESTS: z.coerce.number().int().min(0).max(100_000).optional(),
  // The running A/B experiment, as JSON: {"name": "...", "variants": [{"name": "control", "weight": 50},
  // {"name": "diverse", "weight": 50, "fairness": {"mmrLambda": 0.6}}]}. Unset: everyone in "control".
  AB_EXPERIMENT: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.object({
        name: z.string().min(1),
        variants: z
          .array(z.object({ name: z.string().min(1), weight: z.number().positive(), fairness: z.record(z.string(), z.number()).optional() }))
          .min(1),
      }),
    )
    .optional(),
  // Debounce window for subscription pushes: a burst of events sends one update.
  PUSH_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60000).default(250),
});

export interface SoukConfig {
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  embedded: { database: boolean; realtime: boolean };
  dataDir: string;
  pgliteDir: string;
  hmacKey: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  ports: { gateway: number; users: number; catalog: number; interactions: number; recommendations: number; pgliteSocket: number };
  subgraphHost: string;
  /** The gateway's address for each subgraph. */
  subgraphUrls: { users: string; catalog: string; interactions: string; recommendations: string };
  gatewayQueryPlanner: 'rust' | 'js';
  gatewaySubgraphTransport: 'in-process' | 'http';
  limits: { interactionBatch: number; recommendations: number };
  popularityHalfLifeDays: number;
  pushDebounceMs: number;
  experiment?: { name: string; variants: { name: string; weight: number; fairness?: Record<string, number> }[] };
  /** Only the settings given; the recommendations subgraph supplies the rest. */
  fairness: Partial<{ newBusinessDays: number; newBusinessBoost: number; smallBusinessBoost: number; maxPerBusiness: number; maxPerCategory: number; mmrLambda: number }>;
  retrieval: { candidates: number; efSearch: number; probes: number; probesUnfiltered: number; budgetMs: number; rerankBudgetMs: number; modelPollMs: number };
  gc: { heapGrowingPercent: number; markingThreads: number };
  warmUpRequests: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SoukConfig {
  // Empty strings mean "unset": `DATABASE_URL= npm run demo` should select the embedded default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.SOUK_DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    embedded: { database: !e.DATABASE_URL, realtime: !e.REDIS_URL },
    dataDir,
    pgliteDir: join(dataDir, 'pglite'),
    hmacKey: e.SOUK_HMAC_KEY ?? localHmacKey(dataDir),
    logLevel: e.LOG_LEVEL,
    ports: {
      gateway: e.GATEWAY_PORT,
      users: e.USERS_PORT,
      catalog: e.CATALOG_PORT,
      interactions: e.INTERACTIONS_PORT,
      recommendations: e.RECOMMENDATIONS_PORT,
      pgliteSocket: e.PGLITE_SOCKET_PORT,
    },
    subgraphHost: e.SUBGRAPH_HOST,
    subgraphUrls: {
      users: e.USERS_URL ?? `http://${e.SUBGRAPH_HOST}:${e.USERS_PORT}/graphql`,
      catalog: e.CATALOG_URL ?? `http://${e.SUBGRAPH_HOST}:${e.CATALOG_PORT}/graphql`,
      interactions: e.INTERACTIONS_URL ?? `http://${e.SUBGRAPH_HOST}:${e.INTERACTIONS_PORT}/graphql`,
      recommendations: e.RECOMMENDATIONS_URL ?? `http://${e.SUBGRAPH_HOST}:${e.RECOMMENDATIONS_PORT}/graphql`,
    },
    gatewayQueryPlanner: e.GATEWAY_QUERY_PLANNER,
    gatewaySubgraphTransport: e.GATEWAY_SUBGRAPH_TRANSPORT,
    limits: { interactionBatch: e.MAX_INTERACTION_BATCH, recommendations: e.MAX_RECOMMENDATIONS },
    popularityHalfLifeDays: e.POPULARITY_HALF_LIFE_DAYS,
    pushDebounceMs: e.PUSH_DEBOUNCE_MS,
    experiment: e.AB_EXPERIMENT,
    retrieval: { candidates: e.RETRIEVAL_CANDIDATES, efSearch: e.HNSW_EF_SEARCH, probes: e.IVFFLAT_PROBES, probesUnfiltered: e.IVFFLAT_PROBES_UNFILTERED, budgetMs: e.RETRIEVAL_BUDGET_MS, rerankBudgetMs: e.RERANK_BUDGET_MS, modelPollMs: e.MODEL_POLL_MS },
    gc: { heapGrowingPercent: e.GC_HEAP_GROWING_PERCENT, markingThreads: e.GC_MARKING_THREADS },
    warmUpRequests: e.WARM_UP_REQUESTS ?? (e.DATABASE_URL ? 1500 : 0),
    fairness: Object.fromEntries(
      Object.entries({
        newBusinessDays: e.FAIRNESS_NEW_BUSINESS_DAYS,
        newBusinessBoost: e.FAIRNESS_NEW_BOOST,
        smallBusinessBoost: e.FAIRNESS_SMALL_BOOST,
        maxPerBusiness: e.MAX_PER_BUSINESS,
        maxPerCategory: e.MAX_PER_CATEGORY,
        mmrLambda: e.MMR_LAMBDA,
      }).filter(([, v]) => v !== undefined),
    ),
  };
}

// Without SOUK_HMAC_KEY a random key is made once and kept in the data directory, so that
// re-importing the same file maps the same email to the same anonymised id.
function localHmacKey(dataDir: string): string {
  const file = join(dataDir, 'hmac.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
