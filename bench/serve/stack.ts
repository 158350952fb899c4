import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { childEnv, type BenchEnv, type BenchPaths } from './config';
import { OutputTail, TSX } from './proc';

// The whole stack (every subgraph and the gateway, one process: packages/launcher) on the bench's
// database, Redis prefix and ports, as a child process. Ready when every subgraph's /health answers
// and the gateway answers a query.

export interface RunningStack {
  pid: number;
  log: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startStack(env: BenchEnv, paths: BenchPaths, stamp: string, extraEnv: Record<string, string> = {}): Promise<RunningStack> {
  const log = join(paths.out, `stack-${stamp}.log`);
  const busy = (await Promise.all(Object.values(env.ports).map(async (p) => ((await listening(p)) ? p : 0)))).filter(Boolean);
  if (busy.length) throw new Error(`port(s) ${busy.join(', ')} already in use (another stack?): pick other ports with --port-base`);
  const command = [...TSX, 'packages/launcher/src/cli.ts', 'serve', '--gateway'];
  const out = new OutputTail(log, command.join(' '));
  const child = spawn(command[0], command.slice(1), { cwd: paths.root, env: childEnv(env, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  out.attach(child);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
    out.close();
    resolve();
  }));

  const deadline = Date.now() + START_TIMEOUT_MS;
  const ports = [env.ports.users, env.ports.catalog, env.ports.interactions, env.ports.recommendations];
  for (;;) {
    if (exited) throw new Error(`the stack ${exited} before it was ready (log: ${log}):\n${out.lines.slice(-12).join('\n')}`);
    if (Date.now() > deadline) {
      await stop(child, exit);
      throw new Error(`the stack was not ready within ${START_TIMEOUT_MS / 1000} s (log: ${log})`);
    }
    if ((await Promise.all(ports.map((p) => ok(`http://127.0.0.1:${p}/health`)))).every(Boolean) && (await gatewayAnswers(env.gatewayUrl))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { pid: child.pid ?? -1, log, stop: () => stop(child, exit) };
}

/** The stack's warnings and errors (pino JSON lines, level >= 40), counted by message: what went wrong under load. */
export function logWarnings(log: string): { total: number; top: { level: number; msg: string; err?: string; count: number }[] } {
  const counts = new Map<string, { level: number; msg: string; err?: string; count: number }>();
  let total = 0;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
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

async function stop(child: ChildProcess, exit: Promise<void>): Promise<void> {
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
