import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');

/** Ports the OS says are free right now. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  for (const s of servers) {
    ports.push((s.address() as import('node:net').AddressInfo).port);
    await new Promise((r) => s.close(r));
  }
  return ports;
}

export interface SoukProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a TypeScript entry point of the repo as a real child process, as production would. */
export function startTs(entry: string, args: string[], env: Record<string, string | undefined>): SoukProcess {
  const child = spawn(TSX, [join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stopping it signals tsx and the node process tsx starts, together.
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const group = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        const kill = setTimeout(() => group('SIGKILL'), 12_000);
        child.once('exit', () => {
          clearTimeout(kill);
          group('SIGKILL'); // nothing of it may outlive the test
          resolve();
        });
        group('SIGTERM');
      }),
  };
}

/** Polls until `check` passes or the process dies or time runs out. */
export async function waitFor(what: string, check: () => Promise<boolean>, proc?: SoukProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${what}: process exited with ${proc.child.exitCode}\n${proc.output()}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms\n${proc?.output() ?? ''}`);
}
