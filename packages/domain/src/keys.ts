// Dedup keys: the same business or product spelt slightly differently by two sources must give the
// same key. Keys are for matching only, never shown, so they may lose information freely.

const ARABIC_INDIC = /[\u0660-\u0669]/g; // ٠..٩
const PERSIAN_DIGITS = /[\u06F0-\u06F9]/g; // ۰..۹

export function normaliseText(text: string): string {
  return (
    text
      // NFKD splits accents and Arabic hamza/madda off their letters (é → e + ´, أ/إ/آ → ا + mark);
      // dropping every combining mark then removes Latin accents, Arabic diacritics (harakat,
      // superscript alef) and unifies the alef forms in one step.
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // NFKC folds compatibility forms: full-width Latin, Arabic presentation forms (ﻻ → لا).
      .normalize('NFKC')
      .replace(/\u0640/g, '') // tatweel, a purely typographic stretch
      .replace(/\u0671/g, '\u0627') // alef wasla has no decomposition
      .replace(/\u0649/g, '\u064A') // alef maksura ى and yeh ي are often interchanged
      .replace(/\u0629/g, '\u0647') // teh marbuta ة and heh ه likewise
      .replace(ARABIC_INDIC, (d) => String(d.charCodeAt(0) - 0x0660))
      .replace(PERSIAN_DIGITS, (d) => String(d.charCodeAt(0) - 0x06f0))
      .toLowerCase()
      // Punctuation and whitespace of any kind collapse to one space: "Full-Fat, 1L" = "full fat 1l".
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** A business is its normalised name in its normalised city. */
export function businessKey(name: string, city: string | null | undefined): string {
  return `${normaliseText(name)}|${normaliseText(city ?? '')}`;
}

/** A product is its normalised title within one (internal) business. */
export function productKey(businessId: string, title: string): string {
  return `${businessId}|${normaliseText(title)}`;
}
