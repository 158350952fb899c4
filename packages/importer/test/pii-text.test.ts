import { createHmac } from 'node:crypto';
import { canonicalIdentifier, Pii } from '../src/pii';

const KEY = 'unit-test-key-0123456789';
const pii = new Pii(KEY);
const TOKEN = /<pii:[0-9a-f]{8}>/;

describe('Pii', () => {
  it('maps a user identifier to u_ + the first 24 hex of its HMAC-SHA256', () => {
    const expected = `u_${createHmac('sha256', KEY).update('alice@example.com').digest('hex').slice(0, 24)}`;
    expect(pii.userId('Alice@Example.com ')).toBe(expected);
    expect(pii.userId('alice@example.com')).toBe(expected);
    expect(new Pii('another-key-0123456789').userId('alice@example.com')).not.toBe(expected);
  });

  it('treats phone spellings as one identifier, and other ids case-sensitively', () => {
    expect(canonicalIdentifier('+971 (50) 123-4567')).toBe('+971501234567');
    expect(pii.userId('+971 50 123 4567')).toBe(pii.userId('+971501234567'));
    expect(pii.userId('AbC-1')).not.toBe(pii.userId('abc-1'));
  });

  it.each([
    ['write to alice.smith+promo@example.co.uk today', 'alice.smith+promo@example.co.uk'],
    ['call +971 50 123 4567 now', '+971 50 123 4567'],
    ['call 050-123-4567', '050-123-4567'],
    ['(555) 123-4567 is my number', '555) 123-4567'],
    ['رقمي ٠٥٠١٢٣٤٥٦٧ شكرا', '٠٥٠١٢٣٤٥٦٧'],
    ['بريدي user@mail.ae', 'user@mail.ae'],
  ])('scrubs contact details out of %s', (text, raw) => {
    const out = pii.scrub(text);
    expect(out).toMatch(TOKEN);
    expect(out).not.toContain(raw);
  });

  it('leaves prices, dates, sizes and short numbers alone', () => {
    for (const text of ['Price 12.50 AED', 'Best before 2025-04-30', 'Pack of 12 x 330ml', 'Order #12345', 'Delivered 2025/04/30']) {
      expect(pii.scrub(text)).toBe(text);
    }
  });

  it('gives the same token to the same address, so repetition stays visible', () => {
    expect(pii.scrub('a@b.co')).toBe(pii.scrub('A@B.CO'));
  });
});
