import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '@huggingface/tokenizers';
import { openSession, type OnnxSession } from './onnx-session';
import { int64 } from './tensor';
import { serve } from './worker-port';

// The thread TextEncoder runs all-MiniLM-L6-v2 on. onnxruntime-node runs a session synchronously
// on the thread that calls it, and a batch of search queries or product titles takes milliseconds:
// on the main thread every request queued behind it waited them out (the cold-cache tail in
// bench:serve). TextEncoderInit in workerData; the encoder's width when ready; EncodeRequest in,
// Encoded out (worker-port.ts).

export interface TextEncoderInit {
  onnx: string;
  tokenizer: string;
  maxTokens: number;
}
export interface EncodeRequest {
  texts: string[];
}
export interface Encoded {
  data: Float32Array;
  dim: number;
}

/** As the Python tokenizer truncates: keep [CLS] and the first tokens, end with [SEP]. */
function truncate(ids: number[], maxTokens: number): number[] {
  return ids.length <= maxTokens ? ids : [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]];
}

interface Loaded {
  tokenizer: Tokenizer;
  session: OnnxSession;
  maxTokens: number;
}

async function encode({ tokenizer, session, maxTokens }: Loaded, texts: string[]): Promise<Encoded> {
  const encoded = texts.map((t) => truncate(tokenizer.encode(t).ids, maxTokens));
  const len = Math.max(...encoded.map((ids) => ids.length));
  const n = texts.length;
  const ids = new BigInt64Array(n * len);
  const mask = new BigInt64Array(n * len);
  encoded.forEach((row, i) => row.forEach((id, j) => {
    ids[i * len + j] = BigInt(id);
    mask[i * len + j] = 1n;
  }));
  const result = await session.run({
    input_ids: int64(ids, [n, len]),
    attention_mask: int64(mask, [n, len]),
    token_type_ids: int64(new BigInt64Array(n * len), [n, len]),
  }, ['embedding']);
  // A buffer of its own (copyOutputs), so it can be transferred.
  const data = result.embedding.data as Float32Array;
  return { data, dim: data.length / n };
}

/** Loads the encoder and runs it once: the width serving checks, and a first run to warm the session. */
async function load(init: TextEncoderInit): Promise<{ ready: number; state: Loaded }> {
  const state: Loaded = {
    tokenizer: new Tokenizer(JSON.parse(readFileSync(init.tokenizer, 'utf8')), {}),
    session: await openSession(readFileSync(init.onnx), { copyOutputs: true }),
    maxTokens: init.maxTokens,
  };
  return { ready: (await encode(state, ['probe'])).dim, state };
}

if (parentPort) {
  const init = workerData as TextEncoderInit;
  void serve(parentPort, () => load(init), async (state, req: EncodeRequest & { id: number }) => {
    const result = await encode(state, req.texts);
    return { result, transfer: [result.data.buffer as ArrayBuffer] };
  });
}
