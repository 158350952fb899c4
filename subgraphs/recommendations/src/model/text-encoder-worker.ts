import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

// The thread TextEncoder runs all-MiniLM-L6-v2 on. onnxruntime-node runs a session synchronously
// on the thread that calls it, and a batch of search queries or product titles takes milliseconds:
// on the main thread every request queued behind it waited them out (the cold-cache tail in
// bench:serve). Messages: TextEncoderInit in workerData; EncodeRequest in, EncodeReply out.

export interface TextEncoderInit {
  onnx: string;
  tokenizer: string;
  maxTokens: number;
}
export interface EncodeRequest {
  id: number;
  texts: string[];
}
export type EncodeReply = { id: number; data: Float32Array; dim: number } | { id: number; error: string };
export type ReadyReply = { ready: true; dim: number } | { ready: false; error: string };

/** As the Python tokenizer truncates: keep [CLS] and the first tokens, end with [SEP]. */
function truncate(ids: number[], maxTokens: number): number[] {
  return ids.length <= maxTokens ? ids : [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]];
}

async function main(port: NonNullable<typeof parentPort>, init: TextEncoderInit): Promise<void> {
  let tokenizer: Tokenizer;
  let session: ort.InferenceSession;
  try {
    tokenizer = new Tokenizer(JSON.parse(readFileSync(init.tokenizer, 'utf8')), {});
    session = await ort.InferenceSession.create(init.onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    port.postMessage({ ready: false, error: (err as Error).message } satisfies ReadyReply);
    return;
  }
  const run = async (texts: string[]): Promise<{ data: Float32Array; dim: number }> => {
    const encoded = texts.map((t) => truncate(tokenizer.encode(t).ids, init.maxTokens));
    const len = Math.max(...encoded.map((ids) => ids.length));
    const n = texts.length;
    const ids = new BigInt64Array(n * len);
    const mask = new BigInt64Array(n * len);
    encoded.forEach((row, i) => row.forEach((id, j) => {
      ids[i * len + j] = BigInt(id);
      mask[i * len + j] = 1n;
    }));
    const result = await session.run({
      input_ids: new ort.Tensor('int64', ids, [n, len]),
      attention_mask: new ort.Tensor('int64', mask, [n, len]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * len), [n, len]),
    });
    // A copy of its own: the output may view memory onnxruntime reuses, and it is transferred.
    const data = new Float32Array(result.embedding.data as Float32Array);
    return { data, dim: data.length / n };
  };
  let dim: number;
  try {
    dim = (await run(['probe'])).dim; // the width serving checks, and a first run to warm the session
  } catch (err) {
    port.postMessage({ ready: false, error: (err as Error).message } satisfies ReadyReply);
    return;
  }
  port.on('message', (req: EncodeRequest) => {
    run(req.texts).then(
      ({ data, dim }) => port.postMessage({ id: req.id, data, dim } satisfies EncodeReply, [data.buffer as ArrayBuffer]),
      (err: Error) => port.postMessage({ id: req.id, error: err.message } satisfies EncodeReply),
    );
  });
  port.postMessage({ ready: true, dim } satisfies ReadyReply);
}

if (parentPort) void main(parentPort, workerData as TextEncoderInit);
