import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { vocabsSchema } from './metadata';
import { openSession, type OnnxSession } from './onnx-session';
import type { Feeds, TensorData } from './tensor';
import { serve } from './worker-port';

// A model version's worker thread (model-thread.ts). Loading a version does what would otherwise
// hold the event loop at every swap: checking each ONNX file's sha256, and reading, validating and
// fingerprinting the vocabularies (100k product ids: about 80 ms). Its product tower lives here
// too: it embeds new products in batches, a few milliseconds each, which serving requests need
// not wait behind. ModelInit in workerData; LoadedModel when ready; RunRequest in, the tower's
// outputs out (worker-port.ts). An error while loading is a reason to refuse the model.

export interface ModelInit {
  dir: string;
  /** Files whose sha256 must match the metadata's. */
  verify: { file: string; sha256: string; label: string }[];
  /** The sessions to open here, by name. */
  sessions: Record<string, { file: string; label: string }>;
  vocabs: { file: string; fingerprints: Record<string, string> };
}

/** Each vocabulary's tokens joined by newlines (one string crosses threads far faster than 100k), or as an array if a token holds one. */
export type SentVocab = string | string[];

export interface LoadedModel {
  inputNames: Record<string, readonly string[]>;
  vocabs: Record<string, SentVocab>;
}

export interface RunRequest {
  session: string;
  feeds: Feeds;
  fetches?: string[];
}

/** Same as Vocab.fingerprint() in Python: the first 16 hex of sha256 over the tokens joined by newlines. */
function fingerprint(joined: string): string {
  return createHash('sha256').update(joined).digest('hex').slice(0, 16);
}

async function readVocabs(dir: string, spec: ModelInit['vocabs']): Promise<Record<string, SentVocab>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, spec.file), 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${spec.file}: ${(err as Error).message}`);
  }
  const parsed = vocabsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${spec.file} is malformed`);
  const out: Record<string, SentVocab> = {};
  for (const [name, tokens] of Object.entries(parsed.data)) {
    const joined = tokens.join('\n');
    const want = spec.fingerprints[name];
    const got = fingerprint(joined);
    if (want !== undefined && got !== want) throw new Error(`vocabulary ${name} has fingerprint ${got}, metadata says ${want}`);
    out[name] = tokens.some((t) => t.includes('\n')) ? tokens : joined;
  }
  return out;
}

async function read(dir: string, file: string, label: string): Promise<Buffer> {
  return readFile(join(dir, file)).catch((err: Error) => {
    throw new Error(`${label}: ${err.message}`);
  });
}

async function load(init: ModelInit): Promise<{ ready: LoadedModel; state: Map<string, OnnxSession> }> {
  for (const { file, sha256, label } of init.verify) {
    const digest = createHash('sha256').update(await read(init.dir, file, label)).digest('hex');
    if (digest !== sha256) throw new Error(`${label} ${file} has sha256 ${digest.slice(0, 12)}…, metadata says ${sha256.slice(0, 12)}…`);
  }
  const vocabs = await readVocabs(init.dir, init.vocabs);
  const sessions = new Map<string, OnnxSession>();
  const inputNames: Record<string, readonly string[]> = {};
  for (const [name, { file, label }] of Object.entries(init.sessions)) {
    const bytes = await read(init.dir, file, label);
    const session = await openSession(bytes, { copyOutputs: true }).catch((err: Error) => {
      throw new Error(`${label} does not load: ${err.message}`);
    });
    sessions.set(name, session);
    inputNames[name] = session.inputNames;
  }
  return { ready: { inputNames, vocabs }, state: sessions };
}

async function run(sessions: Map<string, OnnxSession>, req: RunRequest): Promise<{ result: Record<string, TensorData>; transfer: ArrayBuffer[] }> {
  const session = sessions.get(req.session);
  if (!session) throw new Error(`no session ${req.session} in this model`);
  const result = await session.run(req.feeds, req.fetches);
  return { result, transfer: Object.values(result).map((t) => t.data.buffer as ArrayBuffer) };
}

if (parentPort) {
  const init = workerData as ModelInit;
  void serve(parentPort, () => load(init), (sessions, req: RunRequest & { id: number }) => run(sessions, req));
}
