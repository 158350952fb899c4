import type { LoadedModel, ModelInit, RunRequest } from './model-thread-worker';
import type { OnnxSession } from './onnx-session';
import type { Feeds, TensorData } from './tensor';
import { WorkerClient, workerModule } from './worker-client';

const WORKER = workerModule('model-thread-worker');
type ModelThread = WorkerClient<ModelInit, LoadedModel, RunRequest, Record<string, TensorData>>;

/**
 * One model version's worker thread (model-thread-worker.ts): it checks the version's files and
 * vocabularies while the live version keeps serving, and hosts the sessions that need not answer
 * within a request (the product tower). The user tower and the ranker stay on the main thread: a
 * run there is a fraction of a millisecond, and two thread round trips per request cost more
 * (about 1 ms at p50 in bench:serve on 2 cores). No request waits on this thread, so it runs at
 * the lowest CPU priority (worker-client.ts): a new product's vector (freshness) is one short run
 * that spare CPU serves, and a swap's loading takes only what the requests leave.
 */
export class ModelThreadHandle {
  private constructor(
    private readonly thread: ModelThread,
    readonly loaded: LoadedModel,
  ) {}

  /** Starts the thread and loads; rejects with the reason the model cannot be served. */
  static async open(init: ModelInit, name: string): Promise<ModelThreadHandle> {
    const { client, ready } = await WorkerClient.start<ModelInit, LoadedModel, RunRequest, Record<string, TensorData>>(WORKER, init, name, { background: true });
    return new ModelThreadHandle(client, ready);
  }

  /** A session the thread opened, to run from this thread. */
  session(name: string): OnnxSession {
    const inputNames = this.loaded.inputNames[name];
    if (!inputNames) throw new Error(`no session ${name} on this model's thread`);
    return {
      inputNames,
      run: (feeds: Feeds, fetches?: string[]) => this.thread.request({ session: name, feeds, fetches }),
      // Released with the thread.
      release: async () => undefined,
    };
  }

  release(): Promise<void> {
    return this.thread.terminate();
  }
}
