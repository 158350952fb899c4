import type { Db } from '@souk/db';
import { userFeeds } from '../features/user-inputs';
import { ProductFactsCache } from '../pipeline/product-facts';
import { retrieve } from '../pipeline/retrieval';
import type { ModelArtifact } from './artifact';
import type { ItemEmbedder } from './item-embedder';

/**
 * Runs each part of a freshly loaded model once before it takes traffic. An ONNX session's first
 * run allocates and plans, and a new embedding table's first index scan reads its pages from
 * disk: together that is tens to hundreds of milliseconds, enough to push the first request after
 * a swap past the retrieval budget and onto the popularity fallback. Done here, before the switch,
 * the previous model serves meanwhile. MiniLM and the product tower, which only a new product
 * needs, are run too: the first product created after a start had held both of a 2-core machine's
 * cores for about half a second (bench:serve's first freshness probe).
 */
export async function warmUp(db: Db, artifact: ModelArtifact, table: string, embedder: ItemEmbedder): Promise<void> {
  await embedder.warmUp(artifact);
  const [vec] = await artifact.user.embed(userFeeds(artifact, null, '', []), 1);
  await retrieve(db, table, vec, { k: 200, efSearch: 200, probes: 10, vertical: null, businessId: null }, new ProductFactsCache(db));
  if (artifact.ranker) {
    const width = artifact.ranker.meta.features.length;
    await artifact.ranker.score(new Float32Array(width), 1);
  }
}
