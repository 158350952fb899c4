import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metadataSchema, textEncoderConfigSchema, type ModelMetadata, type RankerMetadata, type TowerMetadata } from './metadata';
import { ModelThreadHandle } from './model-thread';
import { openSession, type OnnxSession } from './onnx-session';
import { RANK_FEATURES } from '../pipeline/rank-features';
import { float32, type Feeds } from './tensor';
import { TextEncoder } from './text-encoder';
import type { TextVectorStore } from './text-vectors';
import { buildVocabs, type Vocabs } from './vocabs';

/** A model serving cannot honour: it is never loaded, and whatever was serving keeps serving. */
export class ModelRefusedError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`model in ${dir} refused: ${reason}`);
    this.name = 'ModelRefusedError';
  }
}

export type { Feeds };

/** One ONNX tower: named inputs in, `embedding` [batch, dim] out. */
export class Tower {
  readonly inputNames: Set<string>;

  constructor(
    private readonly session: OnnxSession,
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
    const out = (await this.session.run(own, ['embedding'])).embedding.data as Float32Array;
    const dim = out.length / rows;
    return Array.from({ length: rows }, (_, r) => out.subarray(r * dim, (r + 1) * dim));
  }
}

/** The re-ranker (Stage 2): one float32 matrix of cross features in, one score per row out. */
export class Ranker {
  constructor(
    private readonly session: OnnxSession,
    readonly meta: RankerMetadata,
  ) {}

  async score(features: Float32Array, rows: number): Promise<Float32Array> {
    const width = this.meta.features.length;
    const out = await this.session.run({ [this.meta.input]: float32(features, [rows, width]) }, [this.meta.output]);
    const data = out[this.meta.output].data as Float32Array;
    // LightGBM's converter may return [rows, 1] or [rows]: either way one score per row.
    return data.length === rows ? data : Float32Array.from({ length: rows }, (_, r) => data[r * (data.length / rows)]);
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

/** A session on this thread; its file's hash was checked on the model's thread. */
async function openLocal(dir: string, file: string, label: string): Promise<OnnxSession> {
  try {
    return await openSession(await readFile(join(dir, file)));
  } catch (err) {
    throw new ModelRefusedError(dir, `${label} does not load: ${(err as Error).message}`);
  }
}

function checkInputs(dir: string, name: string, meta: TowerMetadata, got: readonly string[] | undefined): void {
  const want = meta.inputs.map((i) => i.name).sort().join(',');
  const have = [...(got ?? [])].sort().join(',');
  if (want !== have) throw new ModelRefusedError(dir, `${name} tower inputs [${have}] do not match the metadata's [${want}]`);
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

  if (meta.ranker && meta.ranker.features.join() !== RANK_FEATURES.join()) {
    throw new ModelRefusedError(dir, `ranker features [${meta.ranker.features.join()}] are not the ones serving computes [${RANK_FEATURES.join()}]`);
  }
  const label = { user: 'user tower', item: 'product tower', ranker: 'ranker' };
  const thread = await ModelThreadHandle.open(
    {
      dir,
      verify: [
        { file: meta.towers.user.file, sha256: meta.towers.user.sha256, label: label.user },
        { file: meta.towers.item.file, sha256: meta.towers.item.sha256, label: label.item },
      ],
      sessions: { item: { file: meta.towers.item.file, label: label.item } },
      vocabs: { file: meta.serving.files.vocabs, fingerprints: meta.vocab_fingerprints },
    },
    `model v${meta.model_version}`,
  ).catch((err: Error) => {
    throw new ModelRefusedError(dir, err.message);
  });
  // What requests run stays on this thread (model-thread.ts says why): about 16 ms to create.
  const local: OnnxSession[] = [];
  const release = async () => {
    await Promise.all([thread.release(), ...local.map((s) => s.release())]);
  };
  try {
    const userSession = await openLocal(dir, meta.towers.user.file, label.user);
    local.push(userSession);
    checkInputs(dir, 'user', meta.towers.user, userSession.inputNames);
    const itemSession = thread.session('item');
    checkInputs(dir, 'item', meta.towers.item, itemSession.inputNames);
    let ranker: Ranker | null = null;
    if (meta.ranker) {
      const rankerSession = await openLocal(dir, meta.ranker.file, label.ranker);
      local.push(rankerSession);
      ranker = new Ranker(rankerSession, meta.ranker);
    }
    const vocabs = await buildVocabs(thread.loaded.vocabs);
    return {
      version: meta.model_version, dir, dim: meta.embedding_dim, meta, vocabs,
      user: new Tower(userSession, meta.towers.user.inputs),
      item: new Tower(itemSession, meta.towers.item.inputs),
      text: textEncoder, ranker,
      // The text encoder is shared between versions and stays loaded.
      release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}
