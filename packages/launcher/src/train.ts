import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface PipelineResult {
  version: number;
  status: 'live' | 'refused' | 'failed';
  reason?: string | null;
  export_dir?: string;
  seconds?: Record<string, number>;
}

/**
 * Runs training/pipeline.py (snapshot -> train -> export -> re-ranker -> publish) against `dsn`,
 * passing its `[pipeline]` progress lines to `say`. With `skipIfLive` a live model whose files
 * exist is kept, so a second `npm run demo` starts in seconds. The Python environment comes from
 * `bash training/setup.sh` (scripts/demo.sh runs it).
 */
export function trainAndPublish(dsn: string, workDir: string, opts: { epochs: number; skipIfLive: boolean }, say: (line: string) => void): Promise<PipelineResult> {
  const args = ['-m', 'training.pipeline', '--dsn', dsn, '--work', workDir, '--epochs', String(opts.epochs)];
  if (opts.skipIfLive) args.push('--skip-if-live');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(ROOT, 'training/.venv/bin/python'), args, { cwd: ROOT, env: { ...process.env, TQDM_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let last = '';
    let err = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('[pipeline]')) say(`  ${line}`);
        if (line.trim()) last = line;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    child.on('error', (e) => reject(new Error(`cannot start the trainer (run bash training/setup.sh): ${e.message}`)));
    child.on('close', (code) => {
      if (buffered.trim()) last = buffered.trim();
      try {
        resolvePromise(JSON.parse(last) as PipelineResult);
      } catch {
        reject(new Error(`training pipeline exited with ${code}:\n${err}`));
      }
    });
  });
}
