import { businessKey, normaliseText, productKey } from '../src/normalise';
import { toInteractionType } from '../src/event-types';
import { parseTimestamp } from '../src/timestamps';

describe('normaliseText', () => {
  it.each([
    ['Almarai Full-Fat Milk, 1L', 'almarai full fat milk 1l'],
    ['  ALMARAI   full fat milk (1L) ', 'almarai full fat milk 1l'],
    ['Café Crème', 'cafe creme'],
    ['ＡＢＣ１２３', 'abc123'], // full-width
    ['حَليب ألمراعي كامل الدسـم', 'حليب المراعي كامل الدسم'], // diacritics, hamza alef, tatweel
    ['إفطار آمن', 'افطار امن'],
    ['مكتبة', 'مكتبه'], // teh marbuta
    ['مستشفى', 'مستشفي'], // alef maksura
    ['عصير ١٢٣', 'عصير 123'], // Arabic-Indic digits
  ])('%s -> %s', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('keeps different products apart', () => {
    expect(normaliseText('Milk 1L')).not.toBe(normaliseText('Milk 2L'));
    expect(businessKey('Carrefour', 'Dubai')).not.toBe(businessKey('Carrefour', 'Sharjah'));
    expect(productKey('b_1', 'Milk')).not.toBe(productKey('b_2', 'Milk'));
  });
});

describe('event type spellings', () => {
  it.each([
    ['View', 'VIEW'],
    ['page_view', 'VIEW'],
    ['product-view', 'VIEW'],
    ['AddToCart', 'ADD_TO_CART'],
    ['add to cart', 'ADD_TO_CART'],
    ['cart', 'ADD_TO_CART'],
    ['Transaction', 'PURCHASE'],
    ['order', 'PURCHASE'],
    ['Wishlist', 'SAVE'],
    ['like', 'SAVE'],
    ['IMPRESSION', 'IMPRESSION'],
    ['search', 'SEARCH'],
  ])('%s -> %s', (input, expected) => {
    expect(toInteractionType(input)).toBe(expected);
  });

  it('refuses the unknown', () => {
    expect(toInteractionType('Teleport')).toBeUndefined();
    expect(toInteractionType('remove_from_cart')).toBeUndefined();
  });
});

describe('parseTimestamp', () => {
  const iso = (v: unknown) => parseTimestamp(v)?.toISOString();
  it('reads ISO 8601 and unix seconds or milliseconds', () => {
    expect(iso('2025-05-01T10:00:00Z')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('2025-05-01T14:00:00+04:00')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('2025-05-01T14:00:00+0400')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('2025-05-01 10:00:00 UTC')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('2025-05-01T10:00:00')).toBe('2025-05-01T10:00:00.000Z'); // no zone: UTC
    expect(iso('2025-05-01')).toBe('2025-05-01T00:00:00.000Z');
    expect(iso('1746093600')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso(1746093600)).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('1746093600000')).toBe('2025-05-01T10:00:00.000Z');
    expect(iso('1746093600.5')).toBe('2025-05-01T10:00:00.500Z');
  });

  it('refuses what is not a real time', () => {
    for (const bad of ['yesterday', '2025-02-30', '2025-13-01', '01/05/2025', '', '12', '2025-05-01T25:00:00Z', {}, true]) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });
});
