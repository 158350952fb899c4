import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifact } from '../../subgraphs/recommendations/src/model/artifact';
import { metadataSchema } from '../../subgraphs/recommendations/src/model/metadata';
import { ModelThreadHandle } from '../../subgraphs/recommendations/src/model/model-thread';
import { openSession, type OnnxSession } from '../../subgraphs/recommendations/src/model/onnx-session';
import { float32, int64, type Feeds } from '../../subgraphs/recommendations/src/model/tensor';

// The OnnxSession contract on both implementations (this thread; a model's worker thread), and
// loadArtifact's refusals, for two-tower.test.ts, in a process of its own: onnxruntime-node
// rejects typed arrays made inside jest's sandbox.
//   npx tsx test/e2e/onnx-sessions.ts <export dir>   -> one JSON line

async function refusal(dir: string, spoil: (copy: string) => void): Promise<string | null> {
  const copy = mkdtempSync(join(tmpdir(), 'souk-spoilt-'));
  try {
    cpSync(dir, copy, { recursive: true });
    spoil(copy);
    const a = await loadArtifact(copy);
    await a.release();
    return null;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

(async () => {
  const dir = process.argv[2];
  const meta = metadataSchema.parse(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')));
  const item = meta.towers.item;
  // Two rows of small non-zero inputs, shaped from the metadata.
  const rows = 2;
  const feeds: Feeds = {};
  for (const input of item.inputs) {
    const width = input.shape.length > 1 && typeof input.shape[1] === 'number' ? input.shape[1] : 1;
    const dims = input.shape.length > 1 ? [rows, width] : [rows];
    feeds[input.name] = input.dtype === 'int64'
      ? int64(BigInt64Array.from({ length: rows * (dims[1] ?? 1) }, (_, i) => BigInt(i % 3)), dims)
      : float32(Float32Array.from({ length: rows * (dims[1] ?? 1) }, (_, i) => ((i % 7) - 3) / 10), dims);
  }
  const thread = await ModelThreadHandle.open(
    { dir, verify: [{ file: item.file, sha256: item.sha256, label: 'product tower' }], sessions: { item: { file: item.file, label: 'product tower' } }, vocabs: { file: meta.serving.files.vocabs, fingerprints: meta.vocab_fingerprints } },
    'test model',
  );
  const sessions: Record<string, OnnxSession> = { local: await openSession(await readFile(join(dir, item.file))), thread: thread.session('item') };
  const out: Record<string, { inputNames: string[]; embedding: number[]; dims: readonly number[] }> = {};
  for (const [name, s] of Object.entries(sessions)) {
    const r = await s.run(feeds, ['embedding']);
    out[name] = { inputNames: [...s.inputNames].sort(), embedding: Array.from(r.embedding.data as Float32Array), dims: r.embedding.dims };
  }
  await Promise.all([sessions.local.release(), thread.release()]);
  const released = await thread.session('item').run(feeds).then(() => 'ran', (err: Error) => err.message);

  const artifact = await loadArtifact(dir);
  const vocabSizes = Object.fromEntries(Object.entries(artifact.vocabs).map(([k, v]) => [k, v.size]));
  const vocabFile = JSON.parse(readFileSync(join(dir, meta.serving.files.vocabs), 'utf8')) as Record<string, string[]>;
  const fileSizes = Object.fromEntries(Object.entries(vocabFile).map(([k, tokens]) => [k, new Set(tokens).size]));
  await artifact.release();

  const badVocab = await refusal(dir, (copy) => {
    const path = join(copy, meta.serving.files.vocabs);
    const v = JSON.parse(readFileSync(path, 'utf8'));
    v.items[0] = `${v.items[0]}-renamed`;
    writeFileSync(path, JSON.stringify(v));
  });
  const badTower = await refusal(dir, (copy) => writeFileSync(join(copy, meta.towers.user.file), 'not an onnx file'));
  console.log(JSON.stringify({ out, released, vocabSizes, fileSizes, badVocab, badTower }));
  process.exit(0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
