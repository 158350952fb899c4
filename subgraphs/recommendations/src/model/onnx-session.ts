import * as ort from 'onnxruntime-node';
import type { Feeds, TensorData } from './tensor';

/** An ONNX session as the towers and the ranker use it, on this thread or on a model's worker. */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  /** The outputs asked for (all if `fetches` is absent), as plain tensors. */
  run(feeds: Feeds, fetches?: string[]): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}

const sessionOptions: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  // Requests run concurrently on a small machine: one thread per inference, no oversubscription.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};

/**
 * Outputs as plain tensors. `copy`: each gets a buffer of its own, as one that crosses threads
 * must (onnxruntime may reuse the memory it views, and the buffer is transferred).
 */
function plain(outputs: ort.InferenceSession.OnnxValueMapType, copy: boolean): Record<string, TensorData> {
  const result: Record<string, TensorData> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const t = value as ort.Tensor;
    if (t.type === 'float32') result[name] = { type: 'float32', data: copy ? new Float32Array(t.data as Float32Array) : (t.data as Float32Array), dims: t.dims };
    else if (t.type === 'int64') result[name] = { type: 'int64', data: copy ? new BigInt64Array(t.data as BigInt64Array) : (t.data as BigInt64Array), dims: t.dims };
    // Anything else (LightGBM's converter may add a label output) is not read by serving.
  }
  return result;
}

/**
 * A session on the calling thread. onnxruntime-node creates and runs it synchronously there:
 * creating the user tower takes about 16 ms, a run a fraction of a millisecond.
 */
export async function openSession(model: Uint8Array, opts: { copyOutputs?: boolean } = {}): Promise<OnnxSession> {
  const session = await ort.InferenceSession.create(model, sessionOptions);
  return {
    inputNames: [...session.inputNames],
    async run(feeds, fetches) {
      const input: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) input[name] = new ort.Tensor(t.type, t.data, t.dims);
      return plain(fetches ? await session.run(input, fetches) : await session.run(input), opts.copyOutputs ?? false);
    },
    release: () => session.release(),
  };
}
