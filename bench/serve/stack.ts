import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { YOUNG_GENERATION_FLAG } from '@souk/config';
import { childEnv, type BenchEnv, type BenchPaths } from './config';
import { OutputTail, TSX } from './proc';

// The stack on the bench's database, Redis prefix and ports, as child processes, in one of two
// shapes (--topology):
// - one-process: every subgraph and the gateway in one Node process (packages/launcher), as
//   `npm run demo` runs them;
// - per-service: each subgraph and the gateway in its own process (subgraphs/*/src/index.ts,
//   gateway/src/index.ts), as docker/compose.yaml runs them: Node is single-threaded, so this is
//   the shape that can use more than one core.
// Ready when every subgraph's /health answers and the gateway answers a query.

export type Topology = 'one-process' | 'per-service';
export const TOPOLOGIES: readonly Topology[] = ['one-process', 'per-service'];

export interface RunningStack {
  /** The process serving recommendations. */
  pid: number;
  /** One log per process. */
  logs: string[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

const SUBGRAPHS = ['users', 'catalog', 'interactions', 'recommendations'] as const;

interface Child {
  name: string;
  child: ChildProcess;
  out: OutputTail;
  exit: Promise<void>;
  exited?: string;
}

function launch(name: string, script: string[], log: string, env: NodeJS.ProcessEnv, root: string, nodeFlags: string[]): Child {
  const command = [TSX[0], ...nodeFlags, ...TSX.slice(1), ...script];
  const out = new OutputTail(log, command.join(' '));
  const child = spawn(command[0], command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  out.attach(child);
  const c: Child = { name, child, out, exit: Promise.resolve() };
  c.exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    c.exited = `exited with ${code ?? signal}`;
    out.close();
    resolve();
  }));
  return c;
}

export interface StackOptions {
  topology: Topology;
  /** Write a V8 CPU profile of each server process here when it exits (node --cpu-prof). */
  cpuProfDir?: string;
  /** More node/V8 flags for each server process (--node-flags). */
  nodeFlags?: string[];
}

export async function startStack(env: BenchEnv, paths: BenchPaths, stamp: string, extraEnv: Record<string, string> = {}, o: StackOptions = { topology: 'one-process' }): Promise<RunningStack> {
  const topology = o.topology;
  // Each server process starts as the product's start commands start it (npm and npx take it from
  // .npmrc): with its young generation sized. --node-flags come after, so they can override it.
  const nodeFlags = [YOUNG_GENERATION_FLAG, ...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []), ...(o.nodeFlags ?? [])];
  const busy = (await Promise.all(Object.values(env.ports).map(async (p) => ((await listening(p)) ? p : 0)))).filter(Boolean);
  if (busy.length) throw new Error(`port(s) ${busy.join(', ')} already in use (another stack?): pick other ports with --port-base`);
  const vars = childEnv(env, extraEnv);
  const children: Child[] = [];
  const stopAll = () => Promise.all(children.map(stop)).then(() => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  const waitFor = async (ready: () => Promise<boolean>) => {
    for (;;) {
      const dead = children.find((c) => c.exited);
      if (dead) {
        await stopAll();
        throw new Error(`${dead.name} ${dead.exited} before the stack was ready (log: ${dead.out.log}):\n${dead.out.lines.slice(-12).join('\n')}`);
      }
      if (Date.now() > deadline) {
        await stopAll();
        throw new Error(`the stack was not ready within ${START_TIMEOUT_MS / 1000} s (logs: ${children.map((c) => c.out.log).join(', ')})`);
      }
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const subgraphsUp = async () => (await Promise.all(SUBGRAPHS.map((n) => ok(`http://127.0.0.1:${env.ports[n]}/health`)))).every(Boolean);

  if (topology === 'one-process') {
    children.push(launch('stack', ['packages/launcher/src/cli.ts', 'serve', '--gateway'], join(paths.out, `stack-${stamp}.log`), vars, paths.root, nodeFlags));
  } else {
    // The catalog first: it warms the shared availability store the recommendations process reads.
    for (const n of SUBGRAPHS) children.push(launch(n, [`subgraphs/${n}/src/index.ts`], join(paths.out, `stack-${stamp}-${n}.log`), vars, paths.root, nodeFlags));
    await waitFor(subgraphsUp); // the gateway checks its subgraphs as it starts
    children.push(launch('gateway', ['gateway/src/index.ts'], join(paths.out, `stack-${stamp}-gateway.log`), vars, paths.root, nodeFlags));
  }
  await waitFor(async () => (await subgraphsUp()) && (await gatewayAnswers(env.gatewayUrl)));
  const serving = children.find((c) => c.name === 'recommendations') ?? children[0];
  return { pid: serving.child.pid ?? -1, logs: children.map((c) => c.out.log), stop: stopAll };
}

/** The stack's warnings and errors (pino JSON lines, level >= 40), counted by message: what went wrong under load. */
export function logWarnings(logs: readonly string[]): { total: number; top: { level: number; msg: string; err?: string; count: number }[] } {
  const counts = new Map<string, { level: number; msg: string; err?: string; count: number }>();
  let total = 0;
  for (const line of logs.flatMap((log) => readFileSync(log, 'utf8').split('\n'))) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as { level?: number; msg?: string; err?: unknown };
      if ((e.level ?? 0) < 40) continue;
      total++;
      const err = typeof e.err === 'string' ? e.err : (e.err as { message?: string } | undefined)?.message;
      const key = `${e.level} ${e.msg} ${err ?? ''}`;
      const c = counts.get(key);
      if (c) c.count++;
      else counts.set(key, { level: e.level ?? 0, msg: String(e.msg ?? ''), err: err?.slice(0, 160), count: 1 });
    } catch {
      // not a log line
    }
  }
  return { total, top: [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 5) };
}

async function stop({ child, exit }: Child): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exit;
  clearTimeout(timer);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function ok(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function gatewayAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }), signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}
