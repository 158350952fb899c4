import { createLogger } from '@souk/log';
import { startSubgraph, type RunningSubgraph } from '@souk/subgraph-kit';
import { BACKENDS, createTestDb, gql, seedSmallMarketplace, type TestDb } from '@souk/testing';
import { buildUsersSubgraph } from '../src/server';

describe.each(BACKENDS)('users subgraph on %s', (backend) => {
  let t: TestDb;
  let server: RunningSubgraph;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await seedSmallMarketplace(t.db);
    server = await startSubgraph({ ...buildUsersSubgraph({ db: t.db }), logger: createLogger('test', 'silent'), port: 0 });
  });
  afterAll(async () => {
    await server.stop();
    await t.drop();
  });

  it('resolves many User entities with one query', async () => {
    const before = t.db.queryCount;
    const reps = ['u_1', 'u_2', 'nope', 'u_3'].map((id) => ({ __typename: 'User', id }));
    const res = await gql(server.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id ageGroup location { city } } } }`, { r: reps });
    expect(res.data!._entities.map((u: any) => u?.id ?? null)).toEqual(['u_1', 'u_2', null, 'u_3']);
    expect(t.db.queryCount - before).toBe(1);
  });

  it('upserts profiles and preferences, changing only the fields given', async () => {
    const m = `mutation($i: UserInput!) { upsertUser(input: $i) { id ageGroup preferences { favouriteCategories favouriteBrands } } }`;
    await gql(server.url, m, { i: { id: 'u_new', ageGroup: '18-24', favouriteCategories: ['Bakery'] } });
    const res = await gql(server.url, m, { i: { id: 'u_new', favouriteBrands: ['Almarai'] } });
    expect(res.data!.upsertUser).toEqual({ id: 'u_new', ageGroup: '18-24', preferences: { favouriteCategories: ['Bakery'], favouriteBrands: ['Almarai'] } });
  });

  it('rejects bad profile input with BAD_USER_INPUT and keeps the stored profile', async () => {
    const res = await gql(server.url, `mutation { upsertUser(input: { id: "u_1", ageGroup: "teen", city: "Muscat" }) { id } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/ageGroup must be one of/);
    const [row] = await t.db.query<{ city: string; age_group: string }>(`SELECT city, age_group FROM users WHERE id = 'u_1'`);
    expect(row).toEqual({ city: 'Dubai', age_group: '25-34' });
  });

  it('pages through users by cursor', async () => {
    const q = `query($a: String) { users(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await gql(server.url, q, { a: after });
      seen.push(...res.data.users.nodes.map((n: any) => n.id));
      if (!res.data.users.pageInfo.hasNextPage) break;
      after = res.data.users.pageInfo.endCursor;
    }
    expect(seen).toEqual(['u_1', 'u_2', 'u_3', 'u_new']);
  });
});
