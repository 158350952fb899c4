import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { PostgresTextVectors } from '../src/model/text-vectors';

// The store TextEncoder reads before it runs MiniLM: what one process embedded, the next reads.

describe.each(BACKENDS)('PostgresTextVectors on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(() => t.drop());

  it('returns stored vectors bit for bit, per encoder, and leaves out texts it has not seen', async () => {
    const store = new PostgresTextVectors(t.db);
    const milk = Float32Array.from([0.1, -0.25, 1e-7, 3.3]);
    await store.put('enc-a', new Map([['oat milk', milk], ["it's \\ odd", Float32Array.from([1, 2, 3, 4])]]));
    const got = await store.get('enc-a', ['oat milk', "it's \\ odd", 'bread']);
    expect([...got.keys()].sort()).toEqual(["it's \\ odd", 'oat milk']);
    expect(Array.from(got.get('oat milk')!)).toEqual(Array.from(milk));
    expect((await store.get('enc-b', ['oat milk'])).size).toBe(0); // another encoder's vectors are another's
    expect((await store.get('enc-a', [])).size).toBe(0);
  });

  it('keeps the first vector of a text: the encoder is frozen, and two processes may race to store it', async () => {
    const store = new PostgresTextVectors(t.db);
    await store.put('enc-a', new Map([['tea', Float32Array.from([1, 1])]]));
    await store.put('enc-a', new Map([['tea', Float32Array.from([9, 9])], ['coffee', Float32Array.from([2, 2])]]));
    const got = await store.get('enc-a', ['tea', 'coffee']);
    expect(Array.from(got.get('tea')!)).toEqual([1, 1]);
    expect(Array.from(got.get('coffee')!)).toEqual([2, 2]);
  });
});
