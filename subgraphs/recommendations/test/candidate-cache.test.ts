import { CandidateCache, type CandidateFacts } from '../src/pipeline/candidate-cache';

const facts = (title: string): CandidateFacts => ({
  businessId: 'b', category: 'c', brand: null, price: 1, priceRange: 1, title, createdAt: new Date(0), popularity: 0, embedding: new Float32Array(2),
});

describe('CandidateCache', () => {
  it('answers within the TTL, per table, and forgets changed products in every table', () => {
    const cache = new CandidateCache(1_000);
    cache.set('item_embeddings_v1', 'p1', facts('one'), 0);
    cache.set('item_embeddings_v2', 'p1', facts('one, v2'), 0);
    expect(cache.get('item_embeddings_v1', 'p1', 999)?.title).toBe('one');
    expect(cache.get('item_embeddings_v2', 'p1', 999)?.title).toBe('one, v2');
    expect(cache.get('item_embeddings_v1', 'p1', 1_000)).toBeUndefined(); // popularity is re-read
    expect(cache.get('item_embeddings_v3', 'p1', 0)).toBeUndefined();
    cache.forget(['p1']);
    expect(cache.get('item_embeddings_v2', 'p1', 0)).toBeUndefined();
  });

  it('keeps two tables and a bounded number of entries', () => {
    const cache = new CandidateCache(60_000, 3);
    for (const v of [1, 2, 3]) cache.set(`item_embeddings_v${v}`, 'p', facts(`v${v}`), 0);
    expect(cache.get('item_embeddings_v1', 'p', 0)).toBeUndefined(); // the oldest table went
    expect(cache.get('item_embeddings_v3', 'p', 0)?.title).toBe('v3');
    for (const id of ['a', 'b', 'c', 'd']) cache.set('item_embeddings_v3', id, facts(id), 0);
    expect(cache.size).toBeLessThanOrEqual(3 + 1); // v2's one entry and at most 3 in v3
    expect(cache.get('item_embeddings_v3', 'd', 0)?.title).toBe('d');
  });
});
