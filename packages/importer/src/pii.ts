import { createHmac } from 'node:crypto';

// Emails, phone numbers and user identifiers never reach the database: identifiers become a keyed
// HMAC-SHA256 (a plain hash of an email could be reversed by hashing a list of emails; without the
// key it cannot), and contact details inside free text become short HMAC tokens.

const DIGIT = '[0-9\\u0660-\\u0669\\u06F0-\\u06F9]';
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A candidate phone number: digits with the separators people type; the digit count decides below.
const PHONE = new RegExp(`(?<![\\p{L}\\p{N}])\\+?${DIGIT}(?:[\\s().\\-]{0,2}${DIGIT}){6,}(?![\\p{L}\\p{N}])`, 'gu');
const DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/;
const PHONE_ID = /^\+?[\d\s().-]{7,}$/;

function digitCount(s: string): number {
  return (s.match(new RegExp(DIGIT, 'gu')) ?? []).length;
}

/** The form an identifier is hashed in: emails are case-insensitive, phone numbers lose their spacing. */
export function canonicalIdentifier(raw: string): string {
  const s = raw.trim();
  if (s.includes('@')) return s.toLowerCase();
  if (PHONE_ID.test(s) && digitCount(s) >= 7) return (s.startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
  return s;
}

export class Pii {
  private readonly users = new Map<string, string>();

  constructor(private readonly key: string) {
    if (!key) throw new Error('an HMAC key is required to anonymise users');
  }

  hmac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('hex');
  }

  /** u_<24 hex>: the same raw identifier always gives the same user; the raw value is not kept. */
  userId(raw: string): string {
    let id = this.users.get(raw);
    if (id === undefined) {
      id = `u_${this.hmac(canonicalIdentifier(raw)).slice(0, 24)}`;
      // The cache only saves HMAC work on repeated ids; bounded so a huge file cannot exhaust memory.
      if (this.users.size > 1_000_000) this.users.clear();
      this.users.set(raw, id);
    }
    return id;
  }

  /** <pii:8 hex>: keeps "same address mentioned twice" visible without the address. */
  token(value: string): string {
    return `<pii:${this.hmac(`pii:${canonicalIdentifier(value)}`).slice(0, 8)}>`;
  }

  /** Replaces emails and phone numbers inside free text. Dates and short numbers are left alone. */
  scrub(text: string): string {
    if (!/[@0-9\u0660-\u0669\u06F0-\u06F9]/.test(text)) return text; // the common case costs one test
    return text
      .replace(EMAIL, (m) => this.token(m))
      .replace(PHONE, (m) => {
        const digits = digitCount(m);
        if (digits < 8 || digits > 15 || DATE_LIKE.test(m)) return m;
        return this.token(m);
      });
  }
}
