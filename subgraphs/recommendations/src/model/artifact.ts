import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { metadataSchema, textEncoderConfigSchema, vocabsSchema, type ModelMetadata, type RankerMetadata, type TowerMetadata, type VocabName } from './metadata';
import { RANK_FEATURES } from '../pipeline/rank-features';
import { TextEncoder } from './text-encoder';
import type { TextVectorStore } from './text-vectors';
import { Vocab, type Vocabs } from './vocabs';

/** A model serving cannot honour: it is never loaded, and whatever was serving keeps serving. */
export class ModelRefusedError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`model in ${dir} refused: ${reason}`);
    this.name = 'ModelRefusedError';
  }
}

export type Feeds = Record<string, ort.Tensor>;

/** One ONNX tower: named inputs in, `embedding` [batch, dim] out. */
export class Tower {
  readonly inputNames: Set<string>;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: TowerMetadata['inputs'],
  ) {
    this.inputNames = new Set(inputs.map((i) => i.name));
  }

  /** Rows of the output, one per batch row. Only the inputs this tower declares are passed on. */
  async embed(feeds: Feeds, rows: number): Promise<Float32Array[]> {
    const own: Feeds = {};
    for (const i of this.inputs) {
      const t = feeds[i.name];
      if (!t) throw new Error(`tower input ${i.name} was not built`);
      own[i.name] = t;
    }
    const out = (await this.session.run(own)).embedding.data as Float32Array;
    const dim = out.length / rows;
    return Array.from({ length: rows }, (_, r) => out.subarray(r * dim, (r + 1) * dim));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The re-ranker (Stage 2): one float32 matrix of cross features in, one score per row out. */
export class Ranker {
  constructor(
    private readonly session: ort.InferenceSession,
    readonly meta: RankerMetadata,
  ) {}

  async score(features: Float32Array, rows: number): Promise<Float32Array> {
    const width = this.meta.features.length;
    const out = await this.session.run({ [this.meta.input]: new ort.Tensor('float32', features, [rows, width]) });
    const data = out[this.meta.output].data as Float32Array;
    // LightGBM's converter may return [rows, 1] or [rows]: either way one score per row.
    return data.length === rows ? data : Float32Array.from({ length: rows }, (_, r) => data[r * (data.length / rows)]);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export interface ModelArtifact {
  version: number;
  dir: string;
  dim: number;
  meta: ModelMetadata;
  vocabs: Vocabs;
  user: Tower;
  item: Tower;
  text: TextEncoder;
  ranker: Ranker | null;
  release(): Promise<void>;
}

const sessionOptions: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  // Requests run concurrently on a small machine: one thread per inference, no oversubscription.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};

// The frozen text encoder is the same file in every export: load it once per content hash.
const encoders = new Map<string, Promise<TextEncoder>>();

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

async function readJson(dir: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, file), 'utf8'));
  } catch (err) {
    throw new ModelRefusedError(dir, `cannot read ${file}: ${(err as Error).message}`);
  }
}

async function openTower(dir: string, name: 'user' | 'item', meta: TowerMetadata): Promise<Tower> {
  const path = join(dir, meta.file);
  const digest = await sha256(path).catch((err: Error) => {
    throw new ModelRefusedError(dir, `${name} tower: ${err.message}`);
  });
  if (digest !== meta.sha256) throw new ModelRefusedError(dir, `${name} tower ${meta.file} has sha256 ${digest.slice(0, 12)}…, metadata says ${meta.sha256.slice(0, 12)}…`);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, sessionOptions);
  } catch (err) {
    throw new ModelRefusedError(dir, `${name} tower does not load: ${(err as Error).message}`);
  }
  const want = meta.inputs.map((i) => i.name).sort().join(',');
  const got = [...session.inputNames].sort().join(',');
  if (want !== got) {
    await session.release();
    throw new ModelRefusedError(dir, `${name} tower inputs [${got}] do not match the metadata's [${want}]`);
  }
  return new Tower(session, meta.inputs);
}

/**
 * Loads and checks an exported model directory: metadata schema, file hashes, ONNX input names,
 * vocabulary fingerprints, output width. Throws ModelRefusedError on any mismatch.
 */
export async function loadArtifact(dir: string, expectDim?: number, textStore: TextVectorStore | null = null): Promise<ModelArtifact> {
  const parsed = metadataSchema.safeParse(await readJson(dir, 'metadata.json'));
  if (!parsed.success) throw new ModelRefusedError(dir, `metadata.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const meta = parsed.data;
  if (!meta.normalized) throw new ModelRefusedError(dir, 'towers are not L2-normalised; the index ranks by cosine');
  if (expectDim !== undefined && meta.embedding_dim !== expectDim) throw new ModelRefusedError(dir, `embedding_dim ${meta.embedding_dim}, the database stores vector(${expectDim})`);

  const rawVocabs = vocabsSchema.safeParse(await readJson(dir, meta.serving.files.vocabs));
  if (!rawVocabs.success) throw new ModelRefusedError(dir, `${meta.serving.files.vocabs} is malformed`);
  const vocabs = Object.fromEntries(Object.entries(rawVocabs.data).map(([k, tokens]) => [k, new Vocab(tokens)])) as Vocabs;
  for (const [name, v] of Object.entries(vocabs) as [VocabName, Vocab][]) {
    const want = meta.vocab_fingerprints[name];
    if (want !== undefined && v.fingerprint() !== want) throw new ModelRefusedError(dir, `vocabulary ${name} has fingerprint ${v.fingerprint()}, metadata says ${want}`);
  }

  const encCfg = textEncoderConfigSchema.safeParse(await readJson(dir, meta.serving.files.text_encoder_config));
  if (!encCfg.success) throw new ModelRefusedError(dir, `${meta.serving.files.text_encoder_config} is malformed`);
  const encPath = join(dir, meta.serving.files.text_encoder);
  const encHash = encCfg.data.sha256 ?? (await sha256(encPath));
  let text = encoders.get(encHash);
  if (!text) {
    text = TextEncoder.load({ onnx: encPath, tokenizer: join(dir, meta.serving.files.tokenizer) }, encCfg.data.max_seq_length, encHash.slice(0, 16), textStore);
    encoders.set(encHash, text);
    text.catch(() => encoders.delete(encHash));
  }
  const textEncoder = await text.catch((err: Error) => {
    throw new ModelRefusedError(dir, `text encoder: ${err.message}`);
  });

  const user = await openTower(dir, 'user', meta.towers.user);
  const item = await openTower(dir, 'item', meta.towers.item).catch(async (err) => {
    await user.release();
    throw err;
  });
  let ranker: Ranker | null = null;
  if (meta.ranker) {
    if (meta.ranker.features.join() !== RANK_FEATURES.join()) {
      await Promise.all([user.release(), item.release()]);
      throw new ModelRefusedError(dir, `ranker features [${meta.ranker.features.join()}] are not the ones serving computes [${RANK_FEATURES.join()}]`);
    }
    try {
      ranker = new Ranker(await ort.InferenceSession.create(join(dir, meta.ranker.file), sessionOptions), meta.ranker);
    } catch (err) {
      await Promise.all([user.release(), item.release()]);
      throw new ModelRefusedError(dir, `ranker does not load: ${(err as Error).message}`);
    }
  }
  return {
    version: meta.model_version, dir, dim: meta.embedding_dim, meta, vocabs, user, item, text: textEncoder, ranker,
    // The text encoder is shared between versions and stays loaded.
    release: async () => {
      await Promise.all([user.release(), item.release(), ranker?.release()]);
    },
  };
}
