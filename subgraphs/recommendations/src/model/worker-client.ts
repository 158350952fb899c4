import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Reply } from './worker-port';

// onnxruntime-node runs a session synchronously on the thread that calls it, and creating one
// parses and optimises its graph there: on the event loop, every request queued behind a long run
// or a model load waits it out. So the long ONNX work runs on worker threads: MiniLM on one
// (text-encoder.ts), and each model version loads on one of its own, which also hosts its product
// tower (model-thread.ts). This is the main-thread half they share: start a worker module, wait
// for its ready message, send numbered requests and route the replies back. The worker half is
// worker-port.ts.

// First thing in a background worker, before it loads any module: the lowest CPU priority (nice
// 19) for its thread alone. Linux keeps a nice value per thread, and os.setPriority() without a pid
// sets the calling thread's, so the event loop keeps its own. Elsewhere (macOS) it would lower the
// whole process, so it is Linux only. Refused (a sandbox): the worker runs at normal priority.
const LOWEST_PRIORITY = `if (process.platform === 'linux') { try { require('node:os').setPriority(19); } catch {} }`;

// Run from TypeScript source (tsx, jest), a worker thread needs a TypeScript loader of its own:
// tsx's require hook, registered before the worker module is required (an `--import tsx` in the
// worker's execArgv did not reach it on Node 20).
function workerSource(file: string, background: boolean): string {
  const load = extname(__filename) === '.ts'
    ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`
    : `require(${JSON.stringify(file)});`;
  return background ? `${LOWEST_PRIORITY} ${load}` : load;
}

export interface WorkerOptions {
  /**
   * Work that no request waits for (loading a model version): the thread runs at the lowest CPU
   * priority and takes only what serving leaves. At normal priority a new version's thread took
   * most of a core for about 0.3 s at each swap, loading its modules and hashing files (perf
   * samples of a bench:serve run), on a 2-core machine that serves with both.
   */
  background?: boolean;
}

/** The path of a worker module beside this one, in whichever form (.ts source or .js build) runs. */
export function workerModule(name: string): string {
  return join(__dirname, `${name}${extname(__filename)}`);
}

interface Pending<Res> {
  resolve: (reply: Res) => void;
  reject: (err: Error) => void;
}

export class WorkerClient<Init, Ready, Req extends object, Res> {
  private readonly pending = new Map<number, Pending<Res>>();
  private worker: Worker | null;
  private nextId = 0;
  private closed = false;

  private constructor(
    worker: Worker,
    private readonly file: string,
    private readonly init: Init,
    /** Names the worker in errors: "text encoder", "model v3". */
    private readonly name: string,
    private readonly options: WorkerOptions,
  ) {
    this.worker = worker;
    this.watch(worker);
  }

  /** A worker running `file` with `init` as its workerData, once it has said it is ready. */
  static async start<Init, Ready, Req extends object, Res>(file: string, init: Init, name: string, options: WorkerOptions = {}): Promise<{ client: WorkerClient<Init, Ready, Req, Res>; ready: Ready }> {
    const { worker, ready } = await startWorker<Ready>(file, init, name, options);
    return { client: new WorkerClient<Init, Ready, Req, Res>(worker, file, init, name, options), ready };
  }

  async request(req: Req, transfer: readonly ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) throw new Error(`${this.name}: released`);
    // A worker that died (it should not) is started again on the next call rather than failing
    // every later one.
    if (!this.worker) {
      this.worker = (await startWorker<Ready>(this.file, this.init, this.name, this.options)).worker;
      this.watch(this.worker);
    }
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      // Only while a request is out does the worker keep the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id }, transfer as ArrayBuffer[]);
    });
  }

  async terminate(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private watch(worker: Worker): void {
    worker.on('message', (reply: Reply<Res>) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(new Error(`${this.name}: ${reply.error}`));
      else p.resolve(reply.result);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.name} worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    if (this.pending.size === 0) worker.unref();
  }
}

/** The worker's first message is its ReadyMessage: what it loaded, or why it could not. */
function startWorker<Ready>(file: string, init: unknown, name: string, options: WorkerOptions): Promise<{ worker: Worker; ready: Ready }> {
  const worker = new Worker(workerSource(file, options.background ?? false), { eval: true, workerData: init });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`${name} worker exited with code ${code} before it was ready`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (m: { ready: true; value: Ready } | { ready: false; error: string }) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (m.ready) resolve({ worker, ready: m.value });
      else {
        void worker.terminate();
        reject(new Error(m.error));
      }
    });
  });
}
