import { BACKENDS } from '@souk/testing';
import { errorCode, startHarness, type Harness } from './harness';

const SEARCH = `query ($q: String!, $vertical: Vertical, $first: Int) { searchProducts(query: $q, vertical: $vertical, first: $first) { id } }`;

describe.each(BACKENDS)('catalog search (%s)', (backend) => {
  let h: Harness;
  const search = async (q: string, vertical?: string) => {
    const res = await h.gql<{ searchProducts: { id: string }[] }>(SEARCH, { q, vertical });
    expect(res.errors).toBeUndefined();
    return res.data!.searchProducts.map((p) => p.id);
  };

  beforeAll(async () => {
    h = await startHarness(backend);
    await h.db.exec(`
      INSERT INTO businesses (id, vertical, name, dedup_key) VALUES
        ('b_market', 'SUPERMARKET', 'Market', 'market|'), ('b_grill', 'RESTAURANT', 'Grill', 'grill|');
      INSERT INTO products (id, business_id, title, description, category, price, price_range, dedup_key) VALUES
        ('p_choc', 'b_market', 'Dark Chocolate Bar', 'Belgian cocoa, 70 percent', 'sweets', 9, 2, 'b_market|dark chocolate bar'),
        ('p_cookie', 'b_market', 'Butter Cookies', 'With chocolate chips', 'sweets', 12, 2, 'b_market|butter cookies'),
        ('p_milk_ar', 'b_market', 'حليب طازج كامل الدسم', 'حليب بقر طازج من المزرعة', 'dairy', 6, 1, 'b_market|milk ar'),
        ('p_laban', 'b_market', 'لبن أب', 'مشروب الحليب المخمر', 'dairy', 4, 1, 'b_market|laban'),
        ('p_shawarma', 'b_grill', 'شاورما دجاج Chicken Shawarma', 'سندويش مع ثوم', 'mains', 15, 2, 'b_grill|shawarma'),
        ('p_cake', 'b_grill', 'Chocolate Cake', 'Slice of cake', 'desserts', 20, 3, 'b_grill|chocolate cake');
    `);
  });
  afterAll(() => h.close());

  it('finds English words, title matches ranked above description matches', async () => {
    const ids = await search('chocolate');
    expect([...ids].sort()).toEqual(['p_cake', 'p_choc', 'p_cookie']);
    expect(ids.at(-1)).toBe('p_cookie'); // only its description says chocolate
  });

  it('matches prefixes and requires every word', async () => {
    expect((await search('choc')).sort()).toEqual(['p_cake', 'p_choc', 'p_cookie']);
    expect(await search('dark choc')).toEqual(['p_choc']);
    expect(await search('CHOCOLATE cake')).toEqual(['p_cake']);
  });

  it('finds Arabic words in titles and descriptions', async () => {
    expect((await search('حليب')).sort()).toEqual(['p_laban', 'p_milk_ar']); // p_laban has الحليب
    expect(await search('شاورما')).toEqual(['p_shawarma']);
    expect(await search('ثوم')).toEqual(['p_shawarma']);
  });

  it('folds Arabic spellings: diacritics and alef forms', async () => {
    expect(await search('حَلِيب طَازج')).toEqual(['p_milk_ar']);
    expect(await search('لبن اب')).toEqual(['p_laban']);
  });

  it('mixes languages in one query and filters by vertical', async () => {
    expect(await search('chicken شاورما')).toEqual(['p_shawarma']);
    expect((await search('chocolate', 'RESTAURANT'))).toEqual(['p_cake']);
    expect((await search('chocolate', 'CONVENIENCE'))).toEqual([]);
  });

  it('treats tsquery syntax as plain words', async () => {
    expect(await search("cake & !(x | 'y')")).toEqual([]);
    expect(await search('cake:* | dark')).toEqual([]);
  });

  it('rejects a query with no word in it', async () => {
    expect(errorCode(await h.gql(SEARCH, { q: ' !? ' }))).toBe('BAD_USER_INPUT');
  });
});
