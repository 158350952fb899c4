import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchEnv, BenchOptions, BenchPaths } from './config';
import { lastJson, run, runOk, type RunResult } from './proc';

// The model step, through the training pipeline's CLI (training/pipeline):
//   python -m training.pipeline --dsn <url> --work <dir> [--epochs N] --skip-if-live
//       snapshot -> train -> export -> publish; last stdout line {"version", "status", "export_dir", ...}
//   python -m training.pipeline republish --dsn <url> --export <export_dir> --snapshot <snapshot_dir>
//       the same export as a new version: new embedding table + HNSW + view swap + registry.
// The pipeline's answer is kept in .souk/bench/model.json, so that a run that finds a live model
// (--skip-if-live) still knows which export to republish.

export interface ModelState {
  version: number | null;
  status: string;
  exportDir: string;
  snapshotDir: string;
  seconds: number;
  raw: Record<string, unknown>;
}

export function pipelineAvailable(paths: BenchPaths): boolean {
  return existsSync(join(paths.root, 'training', 'pipeline.py')) || existsSync(join(paths.root, 'training', 'pipeline', '__init__.py'));
}

export async function ensurePython(paths: BenchPaths, say: (s: string) => void): Promise<void> {
  if (existsSync(paths.python)) return;
  say('creating training/.venv (bash training/setup.sh, a few minutes the first time)');
  await runOk(['bash', 'training/setup.sh'], { cwd: paths.root, log: join(paths.out, 'model.log') });
}

export async function trainOrReuse(o: BenchOptions, env: BenchEnv, paths: BenchPaths, say: (s: string) => void): Promise<ModelState> {
  const args = [paths.python, '-m', 'training.pipeline', '--dsn', env.databaseUrl, '--work', paths.modelWork, '--skip-if-live'];
  if (o.epochs !== undefined) args.push('--epochs', String(o.epochs));
  const log = join(paths.out, 'model.log');
  say(`model: ${args.slice(1).join(' ')} (log: ${log})`);
  const r = await runOk(args, { cwd: paths.root, log });
  const answer = lastJson(r);
  const previous = readState(paths);
  const state: ModelState = {
    version: numberOr(answer.version, previous?.version ?? null),
    status: String(answer.status ?? 'unknown'),
    exportDir: stringOr(answer.export_dir, previous?.exportDir),
    snapshotDir: stringOr(answer.snapshot_dir ?? answer.snapshot, previous?.snapshotDir ?? join(paths.modelWork, 'snapshot')),
    seconds: r.seconds,
    raw: answer,
  };
  if (!state.exportDir) throw new Error(`the pipeline did not say where its export is (no export_dir in ${JSON.stringify(answer)}) and no earlier run recorded one`);
  if (!existsSync(state.snapshotDir)) throw new Error(`the live model's snapshot ${state.snapshotDir} is gone, so it cannot be republished: run with --fresh`);
  writeFileSync(paths.modelState, JSON.stringify(state, null, 2));
  return state;
}

export interface Republish {
  startedAt: number;
  endedAt: number;
  seconds: number;
  ok: boolean;
  version: number | null;
  status?: string;
  error?: string;
}

/** Limits on a swap's share of the host: CPU-capped cgroups (training/cpu_cap.py) for its PostgreSQL backend and its Python, and its embedding threads. */
export interface PublishCaps {
  /** Given to the republish as SOUK_PUBLISH_CGROUP: its COPY, index builds and ANALYZE run there. */
  backend: string | null;
  /** The republish process itself starts there (with its embedding threads). */
  publisher: string | null;
  /** Given as SOUK_PUBLISH_THREADS: ONNX Runtime threads embedding the catalogue (0: one per core). */
  embedThreads: number;
  notes: string[];
}

/**
 * The cgroups that cap a republish's PostgreSQL backend and its Python process at `cores` of a core
 * each (0: none). Uncapped, the backend's COPY and index builds take a whole core of the two that
 * serve the load for a few seconds per swap.
 */
export async function publishCaps(paths: BenchPaths, backendCores: number, publisherCores: number, embedThreads: number): Promise<PublishCaps> {
  const caps: PublishCaps = { backend: null, publisher: null, embedThreads, notes: [] };
  const make = async (name: string, cores: number, flag: string, extra: string[] = []): Promise<string | null> => {
    if (!(cores > 0)) return null;
    const r = await run([paths.python, '-m', 'training.cpu_cap', name, String(cores), ...extra], { cwd: paths.root, log: join(paths.out, 'swaps.log') });
    if (r.code === 0 && r.lastLine.trim()) return r.lastLine.trim();
    caps.notes.push(`${flag} ${cores}: no cgroup, it ran uncapped (${r.tail.at(-1) ?? `exit ${r.code}`})`);
    return null;
  };
  caps.backend = await make('souk-bench-publish', backendCores, '--publish-cpu');
  // The publisher runs at SCHED_IDLE, which counts only among its own group's tasks: the group
  // itself must be idle too, or the cap raises the publisher's priority (cpu_cap.py).
  caps.publisher = await make('souk-bench-publisher', publisherCores, '--publisher-cpu', ['--idle']);
  return caps;
}

/** One full swap: the same export published as a new version. Never throws. */
export async function republish(env: BenchEnv, paths: BenchPaths, model: ModelState, caps: PublishCaps | null = null): Promise<Republish> {
  const startedAt = performance.now();
  // At the lowest CPU priority: the publisher is a batch job, and in production it runs on another
  // machine. Here it shares the serving machine's two cores; unniced it took them from the load.
  // SCHED_IDLE as well as nice 19: the kernel places a waking thread on a core that runs only
  // SCHED_IDLE work as on an idle one, where a niced task still counts as busy. With nice alone the
  // stack's main thread waited for a core ~300 ms in each second of the publisher's ~25 s of Python,
  // against ~100 ms without a swap; under SCHED_IDLE, ~140 ms (README "Serving", fifth session).
  const idle = process.platform === 'linux' ? ['chrt', '--idle', '0'] : [];
  // The process joins its cgroup before exec, so every thread it starts is capped with it.
  const capped = caps?.publisher ? ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', caps.publisher] : [];
  const args = [...capped, ...idle, 'nice', '-n', '19', paths.python, '-m', 'training.pipeline', 'republish', '--dsn', env.databaseUrl, '--export', model.exportDir, '--snapshot', model.snapshotDir];
  let r: RunResult | undefined;
  try {
    const vars: NodeJS.ProcessEnv = { ...process.env };
    if (caps?.backend) vars.SOUK_PUBLISH_CGROUP = caps.backend;
    if (caps?.embedThreads) vars.SOUK_PUBLISH_THREADS = String(caps.embedThreads);
    r = await run(args, { cwd: paths.root, log: join(paths.out, 'swaps.log'), env: vars });
    const answer = lastJson(r);
    const endedAt = performance.now();
    const ok = r.code === 0 && answer.status === 'live';
    return {
      startedAt, endedAt, seconds: (endedAt - startedAt) / 1000, ok,
      version: numberOr(answer.version, null), status: String(answer.status ?? ''),
      error: ok ? undefined : String(answer.reason ?? r.tail.slice(-3).join(' | ')),
    };
  } catch (err) {
    const endedAt = performance.now();
    const detail = r ? `exit ${r.code}: ${r.tail.slice(-3).join(' | ')}` : (err as Error).message;
    return { startedAt, endedAt, seconds: (endedAt - startedAt) / 1000, ok: false, version: null, error: detail };
  }
}

function readState(paths: BenchPaths): ModelState | undefined {
  if (!existsSync(paths.modelState)) return undefined;
  try {
    return JSON.parse(readFileSync(paths.modelState, 'utf8')) as ModelState;
  } catch {
    return undefined;
  }
}

function numberOr(v: unknown, fallback: number | null): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function stringOr(v: unknown, fallback: string | undefined): string {
  return typeof v === 'string' && v ? v : (fallback ?? '');
}
