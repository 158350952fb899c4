import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { Client } from 'pg';
import { benchEnv, benchPaths, type BenchOptions } from './config';
import { DEFAULT_MIX, loadPopulation, requestMaker } from './contexts';
import { ensureDataset, removeProbeProducts } from './dataset';
import { freshnessTargets, runFreshness, type FreshnessTrial } from './freshness';
import { GraphqlClient } from './gql';
import { measureIndex } from './index-recall';
import { runLoad, type LoadResult } from './load';
import { layerQuantiles, loopReport, parseHistograms, quantiles, RECOMMENDER_HISTOGRAM, scrape, STAGE_HISTOGRAM, subtract, type LoopReport } from './metrics';
import { ensurePython, pipelineAvailable, publishCaps, trainOrReuse, type ModelState, type PublishCaps } from './model';
import { killChildren } from './proc';
import { buildResult, finalLine, printSummary, writeResult } from './report';
import { takeLock } from './lock';
import { logWarnings, startStack, TOPOLOGIES, type RunningStack, type Topology } from './stack';
import { startStealSampler, stealReport } from './steal';
import { stagesBySecond, startTimeline } from './timeline';
import { mentionsVersion, runSwaps, swapReport, type SwapRun } from './swaps';
import { userVectorRecall } from './user-recall';

// `npm run bench:serve`: the serving benchmark on real PostgreSQL + pgvector and Redis.
//   1. the bench database (souk_bench): migrated and generated once, reused after (--fresh redoes it);
//   2. a model trained and published by training.pipeline (or the live one reused; --no-model skips);
//   3. the whole stack (subgraphs + gateway, one child process) on that database, Redis prefix
//      souk-bench and ports 4900-4904;
//   4. open-model load through the gateway, with model swaps and freshness probes running beside it;
//   5. index recall and bare pgvector latency right after the load, per-stage latency from /metrics;
//   6. a summary, .souk/bench/serve-<timestamp>.json, and one JSON line last.
// Flags: bench/serve/README.md.

const int = (min: number) => (value: string): number => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
  return n;
};
const positive = (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const nonNegative = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError('expected a number >= 0');
  return n;
};

const topology = (value: string): Topology => {
  if (!(TOPOLOGIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${TOPOLOGIES.join(' or ')}`);
  return value as Topology;
};

const program = new Command('bench:serve')
  .description('Serving benchmark: load through the gateway with model swaps, freshness, index recall and per-stage latency')
  .option('--users <n>', 'users in the bench marketplace', int(1), 10_000)
  .option('--products <n>', 'products', int(1), 100_000)
  .option('--businesses <n>', 'businesses (1500: the README\'s 100k-product PostgreSQL run)', int(1), 1500)
  .option('--events <n>', 'interaction rows', int(1), 1_000_000)
  .option('--seed <n>', 'generator and request-mix seed', int(0), 42)
  .option('--fresh', 'drop the bench database (and the model work directory) and start over', false)
  .option('--no-model', 'skip training and publishing, and the swaps')
  .option('--epochs <n>', 'training epochs (serving is measured, not model quality)', int(1), 3)
  .option('--rps <n>', 'arrival rate, requests per second', positive, 100)
  .option('--duration <s>', 'seconds of load at least (it runs on until swaps and freshness probes are done)', positive, 60)
  .option('--max-duration <s>', 'seconds of load at most', positive, 3600)
  .option('--warmup <n>', 'unrecorded requests before the load, sent at the load\'s rate', int(0), 500)
  .option('--swaps <n>', 'full model swaps during the load', int(0), 3)
  .option('--swap-delay <s>', 'seconds into the load before the first swap', positive, 10)
  .option('--swap-tail <s>', 'after the last swap, load on until its version is served, at most this long', positive, 30)
  .option('--freshness-trials <n>', 'products created and waited for', int(0), 3)
  .option('--freshness-timeout <s>', 'seconds to wait for each', positive, 30)
  .option('--recall-queries <n>', 'sampled query vectors for index recall', int(1), 200)
  .option('--k <n>', 'top-k for index recall and the pgvector timing', int(1), 200)
  .option('--probes <n>', 'ivfflat.probes of vertical-filtered queries (publish builds IVFFlat by default), given to the stack as IVFFLAT_PROBES', int(1), Number(process.env.IVFFLAT_PROBES ?? 20))
  .option('--probes-unfiltered <n>', 'ivfflat.probes of unfiltered queries (the index measurements are unfiltered), given to the stack as IVFFLAT_PROBES_UNFILTERED', int(1), Number(process.env.IVFFLAT_PROBES_UNFILTERED ?? 14))
  .option('--ef-search <n>', 'hnsw.ef_search, also given to the stack as HNSW_EF_SEARCH (default: $HNSW_EF_SEARCH, $SOUK_EF_SEARCH, else 400)', int(1), Number(process.env.HNSW_EF_SEARCH ?? process.env.SOUK_EF_SEARCH ?? 400))
  .option('--publish-cpu <cores>', 'cap each swap\'s PostgreSQL backend (COPY, index builds, ANALYZE) at this many cores with a cgroup, as SOUK_PUBLISH_CGROUP (training/cpu_cap.py); 0: no cap. Where no cgroup can be made, the swaps run uncapped and the notes say so', nonNegative, 0.5)
  .option('--publish-threads <n>', 'ONNX Runtime threads with which each swap embeds the catalogue, as SOUK_PUBLISH_THREADS (training/publish.py); 0: one per core', int(0), 0)
  .option('--publisher-cpu <cores>', 'cap each swap\'s Python process (it already runs at SCHED_IDLE) at this many cores with a cgroup; 0: no cap', nonNegative, 0)
  .option('--topology <shape>', `${TOPOLOGIES.join(' or ')}: every service in one Node process (as the demo runs), or each subgraph and the gateway in its own (as docker/compose.yaml does)`, topology, 'one-process')
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of each server process into <dir> when the stack stops (open in Chrome DevTools)')
  .option('--timeline', 'scrape /metrics every 500 ms during the load and print each stage\'s mean in the worst seconds (costs the stack a few ms per scrape)', false)
  .option('--node-flags <flags>', 'extra node/V8 flags for each server process, space-separated (e.g. "--trace-gc", which NODE_OPTIONS does not take)', '')
  .option('--pool <n>', 'keep-alive connections to the gateway', int(1), 64)
  .option('--timeout-ms <n>', 'per-request timeout (counted as an error)', int(1), 10_000)
  .option('--abort-error-share <x>', 'stop the load when this share of the last 30 s of answers failed (a collapsed server)', positive, 0.9)
  .option('--pg-url <url>', 'PostgreSQL server, without a database', 'postgresql://postgres@127.0.0.1:5432')
  .option('--database <name>', 'bench database', 'souk_bench')
  .option('--redis-url <url>', 'Redis', 'redis://127.0.0.1:6379')
  .option('--redis-prefix <p>', 'Redis key prefix', 'souk-bench')
  .option('--port-base <n>', 'gateway port; subgraphs on the next four', int(1024), 4900);

const say = (s: string) => process.stdout.write(`${s}\n`);
/** Set when no further swap may start (a signal, a collapsed load). */
const abortSwaps = { value: false };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main() {
  const o = program.parse().opts<BenchOptions>();
  const paths = benchPaths();
  const env = benchEnv(o);
  mkdirSync(paths.out, { recursive: true });
  const unlock = takeLock(paths.out);
  process.once('exit', unlock);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const notes: string[] = [];
  if (!Number.isInteger(o.efSearch) || o.efSearch < o.k) notes.push(`ef_search ${o.efSearch} is below k=${o.k}: HNSW cannot return k rows`);
  say(`bench:serve: database ${env.databaseUrl}, Redis ${env.redisUrl} (prefix ${env.redisPrefix}), gateway ${env.gatewayUrl}; logs in ${paths.out}`);

  if (o.fresh) {
    const { rmSync } = await import('node:fs');
    rmSync(paths.modelWork, { recursive: true, force: true });
    rmSync(paths.modelState, { force: true });
  }
  const dataset = await ensureDataset(o, env, paths, say);
  say(`dataset: ${dataset.reused ? 'reused' : 'generated'} in ${dataset.seconds.toFixed(1)} s: ${JSON.stringify(dataset.counts)}`);

  let model: ModelState | null = null;
  let caps: PublishCaps | null = null;
  if (o.model) {
    if (!pipelineAvailable(paths)) {
      throw new Error('training/pipeline is not there yet (python -m training.pipeline): run with --no-model to benchmark without a model');
    }
    await ensurePython(paths, say);
    model = await trainOrReuse(o, env, paths, say);
    say(`model: ${model.status}, version ${model.version} (${model.seconds.toFixed(1)} s), export ${model.exportDir}`);
    caps = await publishCaps(paths, o.publishCpu, o.publisherCpu, o.publishThreads);
    notes.push(...caps.notes);
    if (caps.backend) say(`swaps: the republish's PostgreSQL backend is capped at ${o.publishCpu} cores in ${caps.backend}`);
    if (caps.publisher) say(`swaps: the republish's Python process is capped at ${o.publisherCpu} cores in ${caps.publisher}`);
  } else notes.push('--no-model: no training, no swaps; the recommender chain serves without a two-tower model');

  let stack: RunningStack | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`bench:serve: ${signal}: stopping the swaps and the stack; no result`);
    abortSwaps.value = true;
    killChildren();
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const t0 = performance.now();
  stack = await startStack(env, paths, stamp, { HNSW_EF_SEARCH: String(o.efSearch), SOUK_EF_SEARCH: String(o.efSearch), IVFFLAT_PROBES: String(o.probes), IVFFLAT_PROBES_UNFILTERED: String(o.probesUnfiltered) }, { topology: o.topology, cpuProfDir: o.cpuProf, nodeFlags: o.nodeFlags.split(/\s+/).filter(Boolean) });
  say(`stack (${o.topology}): ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (recommendations pid ${stack.pid}, logs ${stack.logs.join(', ')})`);

  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  let pgOpen = true;
  const closePg = async () => {
    if (pgOpen) await pg.end().catch(() => undefined);
    pgOpen = false;
  };
  const client = new GraphqlClient(env.gatewayUrl, o.pool, o.timeoutMs);
  const probeClient = new GraphqlClient(env.gatewayUrl, 2, o.timeoutMs);
  try {
    const population = await loadPopulation(pg);
    say(`population: ${population.active.length} active users, ${population.cold.length} cold, ${population.businesses.length} open businesses; mix ${JSON.stringify(DEFAULT_MIX)}`);

    // Warm-up (not recorded), through the load's own open-model loop at the load's rate: the
    // client's code and its connection pool warm up too. With 200 requests eight at a time the first
    // second of the load held a third of a steady run's slowest 1 % while the gateway's own mean for
    // that second was as usual (--timeline): the time was the client's, not the service's.
    if (o.warmup > 0) {
      const seconds = o.warmup / o.rps;
      await runLoad(client, requestMaker(population, o.seed + 1), { rps: o.rps, minSeconds: seconds, maxSeconds: seconds + 30, done: () => true, abortErrorShare: 1 });
    }

    const metricsBefore = await scrape(env.metricsUrl).catch((err: Error) => {
      notes.push(`metrics scrape before the load failed: ${err.message}`);
      return null;
    });

    const freshTargets = o.freshnessTrials > 0 ? await freshnessTargets(pg, o.freshnessTrials) : [];
    const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
    let swapsDone = !(model && o.swaps > 0);
    let freshDone = o.freshnessTrials === 0;
    say(`load: ${o.rps} req/s for at least ${o.duration} s${model && o.swaps ? `, ${o.swaps} swaps from ${o.swapDelay} s` : ''}${o.freshnessTrials ? `, ${o.freshnessTrials} freshness trials from 3 s` : ''}`);
    let swapsEndedAt = 0;
    let lastVersion: number | null = null;
    const swapsRun: Promise<SwapRun | null> = model && o.swaps > 0
      ? sleep(o.swapDelay * 1000).then(() => runSwaps(o.swaps, env, paths, model!, say, abortSwaps, caps)).then((run) => {
        lastVersion = run.swaps.filter((s) => s.ok).at(-1)?.version ?? null;
        return run;
      }).finally(() => {
        swapsEndedAt = performance.now();
        swapsDone = true;
      })
      : Promise.resolve(null);
    // After the last swap the load goes on until the new version is served (the server polls the
    // registry), for at most --swap-tail seconds.
    const lastSwapServed = (sofar: LoadResult) =>
      lastVersion === null || performance.now() - swapsEndedAt > o.swapTail * 1000 || [...sofar.versions.keys()].some((v) => mentionsVersion(v, lastVersion!));
    const maxLimit = Number(process.env.MAX_RECOMMENDATIONS ?? 50);
    const freshRun: Promise<FreshnessTrial[]> = o.freshnessTrials > 0
      ? sleep(3000)
        .then(() => runFreshness(probeClient, freshTargets, { trials: o.freshnessTrials, timeoutS: o.freshnessTimeout, userId: population.active[0], maxLimit, runId: stamp }, say))
        .catch((err: Error) => {
          notes.push(`freshness probe failed: ${err.message}`);
          return [];
        })
        .finally(() => (freshDone = true))
      : Promise.resolve([]);
    const steal = startStealSampler();
    const timeline = o.timeline ? startTimeline(env.metricsUrl, 'BenchRecommend') : null;
    const load = await runLoad(client, requestMaker(population, o.seed), {
      rps: o.rps, minSeconds: o.duration, maxSeconds: o.maxDuration, done: (sofar) => swapsDone && freshDone && lastSwapServed(sofar), abortErrorShare: o.abortErrorShare, progress: say,
    });
    const stealSamples = steal?.stop() ?? null;
    const timelineSamples = timeline ? await timeline.stop() : null;
    if (load.aborted) {
      say(`load: stopped early: ${load.aborted}`);
      notes.push(`the load stopped early after ${load.sendSeconds.toFixed(0)} s: ${load.aborted}; a running republish was ended and later swaps skipped`);
      abortSwaps.value = true;
      killChildren();
    }
    const [swaps, freshness] = await Promise.all([swapsRun, freshRun]);
    if (load.stoppedAtMax) notes.push(`the load stopped at --max-duration ${o.maxDuration} s before the swaps/freshness probes were done`);

    let stages = null;
    let recommenders = null;
    let loop: LoopReport | null = null;
    let layers = null;
    let stageNote: string | undefined;
    const metricsAfter = await scrape(env.metricsUrl).catch((err: Error) => {
      stageNote = `metrics scrape after the load failed: ${err.message}`;
      return null;
    });
    if (metricsBefore && metricsAfter) {
      stages = quantiles(subtract(parseHistograms(metricsAfter, STAGE_HISTOGRAM, ['stage']), parseHistograms(metricsBefore, STAGE_HISTOGRAM, ['stage'])));
      recommenders = quantiles(subtract(
        parseHistograms(metricsAfter, RECOMMENDER_HISTOGRAM, ['recommender', 'outcome']),
        parseHistograms(metricsBefore, RECOMMENDER_HISTOGRAM, ['recommender', 'outcome']),
      ));
      loop = loopReport(metricsBefore, metricsAfter);
      layers = layerQuantiles(metricsBefore, metricsAfter, 'BenchRecommend');
      if (Object.keys(stages).length === 0) stageNote = `no ${STAGE_HISTOGRAM} observations during the load`;
    }

    say('index: recall and bare ANN (IVFFlat or HNSW) latency on the live table (right after the load, stack idle, one connection)');
    const index = await measureIndex(pg, { queries: o.recallQueries, k: o.k, efSearch: o.efSearch, probes: o.probesUnfiltered });
    const userRecall = index.skipped ? null : await userVectorRecall(env, paths, { users: o.recallQueries, k: o.k, efSearch: o.efSearch, probes: o.probesUnfiltered });
    if (userRecall && 'error' in userRecall) notes.push(`recall with user vectors failed (${userRecall.error}); index_recall is the item-vector proxy`);

    const stackLogs = stack.logs;
    await stack.stop();
    stack = undefined;
    const warnings = logWarnings(stackLogs);
    if (warnings.total) notes.push(`the stack logged ${warnings.total} warnings/errors (${stackLogs.join(', ')}); most: ${warnings.top.slice(0, 3).map((w) => `${w.count}x ${w.msg}${w.err ? ` (${w.err})` : ''}`).join('; ')}`);
    await closePg();
    const removed = await removeProbeProducts(env.databaseUrl);
    if (removed) notes.push(`removed the ${removed} product(s) the freshness probe created`);

    const input = {
      config: { ...o, ef_search_source: process.env.HNSW_EF_SEARCH ? 'HNSW_EF_SEARCH' : process.env.SOUK_EF_SEARCH ? 'SOUK_EF_SEARCH' : 'default 400 or --ef-search', database_url: env.databaseUrl, gateway: env.gatewayUrl, mix: DEFAULT_MIX, publish_cgroups: caps && { backend: caps.backend, publisher: caps.publisher }, publish_threads: caps && caps.embedThreads },
      dataset: { ...dataset },
      machine: { cpus: cpus().length, loadavg_before: loadBefore, loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100) },
      // Aligned to the first request's due time, as the tail's seconds are.
      steal: stealSamples && stealReport(stealSamples, load.timeline.sent[0] ?? load.startedAt, load.endedAt),
      stagesBySecond: timelineSamples && stagesBySecond(timelineSamples, load.timeline.sent[0] ?? load.startedAt),
      stack_warnings: warnings,
      model: model && { version: model.version, status: model.status, export_dir: model.exportDir, snapshot_dir: model.snapshotDir, seconds: model.seconds },
      load, swaps: swaps && swapReport(swaps, load), freshness, index, userRecall, stages, recommenders, layers, loop, stageNote, notes,
    };
    if (freshness.some((t) => t.seconds === null)) notes.push(`freshness_s is null: ${freshness.filter((t) => t.seconds === null).length} of ${freshness.length} new products never appeared within ${o.freshnessTimeout} s`);
    const result = buildResult(input);
    printSummary(result, input, say);
    const file = writeResult(paths.out, result, stamp);
    say(`\nfull result: ${file}`);
    say(finalLine(result, o.k));
  } finally {
    killChildren();
    client.close();
    probeClient.close();
    await stack?.stop();
    await closePg();
  }
}

main().catch((err) => {
  console.error(`bench:serve: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
