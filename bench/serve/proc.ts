import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

// Child processes: their whole output goes to a log file, the last lines stay in memory for error
// messages, and a command's answer is its last non-empty stdout line.

/** `node --import tsx <script>`: one process (no npx/tsx wrapper), so its pid is the server's. */
export const TSX = [process.execPath, '--import', 'tsx'] as const;

export interface RunResult {
  code: number;
  seconds: number;
  /** Last non-empty line of stdout. */
  lastLine: string;
  /** Last lines of stdout and stderr together. */
  tail: string[];
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  log: string;
  /** Called for each line of output (progress). */
  onLine?: (line: string) => void;
}

const TAIL = 30;

const running = new Set<ChildProcess>();

/** Ends the commands `run` started that are still going (Ctrl-C, an aborted load). */
export function killChildren(): void {
  for (const child of running) child.kill('SIGTERM');
}

export class OutputTail {
  readonly lines: string[] = [];
  lastStdout = '';
  private readonly file: WriteStream;

  constructor(readonly log: string, header: string) {
    mkdirSync(dirname(log), { recursive: true });
    this.file = createWriteStream(log, { flags: 'a' });
    this.file.write(`\n$ ${header}\n`);
  }

  attach(child: ChildProcess, onLine?: (line: string) => void): void {
    const feed = (stream: NodeJS.ReadableStream | null, stdout: boolean) => {
      if (!stream) return;
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        this.file.write(chunk);
        const text = rest + chunk.toString('utf8');
        const parts = text.split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) this.push(line, stdout, onLine);
      });
      stream.on('end', () => {
        if (rest) this.push(rest, stdout, onLine);
        rest = '';
      });
    };
    feed(child.stdout, true);
    feed(child.stderr, false);
  }

  close(): void {
    this.file.end();
  }

  private push(line: string, stdout: boolean, onLine?: (line: string) => void) {
    if (stdout && line.trim()) this.lastStdout = line.trim();
    this.lines.push(line);
    if (this.lines.length > TAIL) this.lines.shift();
    onLine?.(line);
  }
}

export function run(command: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const out = new OutputTail(options.log, command.join(' '));
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    out.attach(child, options.onLine);
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.once('error', (err) => {
      out.close();
      reject(err);
    });
    child.once('close', (code, signal) => {
      out.close();
      resolve({ code: code ?? (signal ? 128 : 1), seconds: (performance.now() - started) / 1000, lastLine: out.lastStdout, tail: [...out.lines] });
    });
  });
}

/** Runs a command that must succeed; its output tail is in the error otherwise. */
export async function runOk(command: readonly string[], options: RunOptions): Promise<RunResult> {
  const r = await run(command, options);
  if (r.code !== 0) {
    throw new Error(`${command.slice(0, 4).join(' ')} … exited with ${r.code} (log: ${options.log}):\n${r.tail.slice(-12).join('\n')}`);
  }
  return r;
}

/** The JSON object on a command's last stdout line. */
export function lastJson(r: RunResult): Record<string, unknown> {
  try {
    const value = JSON.parse(r.lastLine) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`expected a JSON object on the last stdout line, got: ${r.lastLine.slice(0, 200) || '(nothing)'}`);
}
