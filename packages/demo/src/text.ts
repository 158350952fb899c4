import type { Business } from './businesses';
import { itemOf, PORTION_LARGE, PORTION_MEAL, type CatalogPlan } from './catalog';
import type { Rng } from './rng';
import { CATEGORIES, DESCRIPTION_NOTES, DISH_DESCRIPTIONS, GROCERY_DESCRIPTIONS, PORTIONS, REVIEWS, SEARCH_FORMS, type Term } from './vocabulary';

// Catalog text from the curated vocabularies: product titles and descriptions in English, Arabic
// or both, search queries and review texts. Everything here is a pure function of its inputs.

export type Language = 'en' | 'ar' | 'both';

/** The product's name in both languages, brand, size and portion included. */
export function productName(plan: CatalogPlan, p: number): Term {
  const cat = CATEGORIES[plan.category[p]];
  const item = itemOf(plan, p);
  if (cat.kind === 'restaurant') {
    if (plan.portion[p] === PORTION_MEAL) return { en: `${item.en} ${PORTIONS.meal.en}`, ar: `${PORTIONS.meal.ar} ${item.ar}` };
    if (plan.portion[p] === PORTION_LARGE) return { en: `${item.en} (${PORTIONS.large.en})`, ar: `${item.ar} (${PORTIONS.large.ar})` };
    return { en: item.en, ar: item.ar };
  }
  const brand = plan.brand[p] >= 0 ? plan.brands[plan.brand[p]] : undefined;
  const size = plan.size[p] >= 0 ? item.sizes![plan.size[p]] : undefined;
  const en = [brand?.en, item.en, size?.en].filter(Boolean).join(' ');
  const arItem = item.ar.includes('{b}') ? item.ar.replace('{b}', brand?.ar ?? '') : brand ? `${item.ar} ${brand.ar}` : item.ar;
  const ar = [arItem, size?.ar].filter(Boolean).join(' ');
  return { en: squash(en), ar: squash(ar) };
}

export function pickLanguage(rng: Rng): Language {
  const r = rng.next();
  return r < 0.45 ? 'both' : r < 0.8 ? 'en' : 'ar';
}

export function productTitle(name: Term, language: Language): string {
  return language === 'both' ? `${name.en} / ${name.ar}` : name[language];
}

export function productDescription(plan: CatalogPlan, p: number, business: Business, name: Term, language: Language, rng: Rng): string {
  const cat = CATEGORIES[plan.category[p]];
  const item = itemOf(plan, p);
  const template = rng.pick(cat.kind === 'restaurant' ? DISH_DESCRIPTIONS : GROCERY_DESCRIPTIONS);
  const notes: Term[] = [];
  if (item.spicy) notes.push(DESCRIPTION_NOTES.spicy);
  if (item.vegetarian && cat.kind === 'restaurant') notes.push(DESCRIPTION_NOTES.vegetarian);
  if (plan.organic[p]) notes.push(DESCRIPTION_NOTES.organic);
  if (plan.portion[p] === PORTION_LARGE) notes.push(DESCRIPTION_NOTES.large);
  const write = (lang: 'en' | 'ar') =>
    [template[lang].replace('{item}', name[lang]).replace('{place}', business.brand[lang]), ...notes.map((n) => n[lang])].join(' ');
  return language === 'both' ? `${write('en')}\n${write('ar')}` : write(language);
}

/** What a shopper types when looking for this product, in their language. */
export function searchQuery(plan: CatalogPlan, p: number, arabic: boolean, rng: Rng): string {
  const cat = CATEGORIES[plan.category[p]];
  const item = itemOf(plan, p);
  const lang = arabic ? 'ar' : 'en';
  const brand = plan.brand[p] >= 0 ? plan.brands[plan.brand[p]] : undefined;
  const r = rng.next();
  let word: string;
  if (r < 0.55) word = squash(item[lang].replace('{b}', ''));
  else if (r < 0.75 && brand) word = brand[lang];
  else word = cat[lang];
  const form = rng.pick(SEARCH_FORMS)[lang].replace('{q}', word);
  return arabic ? form : form.toLowerCase();
}

export function reviewText(rating: number, arabic: boolean, rng: Rng): string {
  const bucket = rating <= 2 ? 0 : rating === 3 ? 1 : 2;
  return rng.pick(REVIEWS[bucket])[arabic ? 'ar' : 'en'];
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
