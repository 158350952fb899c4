import { buildVocabs, Vocab } from '../src/model/vocabs';

describe('Vocab', () => {
  it('maps each token to its position + 1 and anything else to 0, across slices', async () => {
    const tokens = Array.from({ length: 25 }, (_, i) => `p${i}`);
    const v = await Vocab.of(tokens, 10); // three slices
    expect(v.size).toBe(25);
    expect(v.encode('p0')).toBe(1);
    expect(v.encode('p10')).toBe(11);
    expect(v.encode('p24')).toBe(25);
    expect(v.encode('p25')).toBe(0);
    expect(v.encode(null)).toBe(0);
  });

  it('builds vocabularies sent joined by newlines, or as arrays when a token holds one', async () => {
    const v = await buildVocabs({ users: 'u1\nu2', items: ['a\nb', 'c'], cities: '', genders: 'F\nM', categories: 'x', brands: '' });
    expect(v.users.encode('u2')).toBe(2);
    expect(v.items.encode('a\nb')).toBe(1);
    expect(v.items.encode('c')).toBe(2);
    expect(v.cities.size).toBe(0);
    expect(v.categories.encode('x')).toBe(1);
  });
});
