import type { Term } from './types';

// Sentences around the catalog words: product descriptions, review texts and search phrasing.
// Arabic phrasing avoids gendered adjectives that would have to agree with the item's noun.

const t = (en: string, ar: string): Term => ({ en, ar });

/** "{item}" and "{place}" are filled per product. */
export const DISH_DESCRIPTIONS: readonly Term[] = [
  t('{item}, freshly prepared at {place}.', '{item} من {place}، يُحضَّر طازجاً عند الطلب.'),
  t('A favourite at {place}: {item}, made to order.', 'من أطباق {place} المفضلة: {item}.'),
  t('{item} from the kitchen of {place}, delivered fresh.', '{item} من مطبخ {place}، يصلك طازجاً.'),
];

export const GROCERY_DESCRIPTIONS: readonly Term[] = [
  t('{item}. Everyday essential, delivered from {place}.', '{item}. من أساسيات كل يوم، يصلك من {place}.'),
  t('{item}, great for the whole family.', '{item}، مناسب لكل العائلة.'),
  t('Stock up on {item} from {place}.', 'تسوّق {item} من {place}.'),
];

/** Appended when the attribute holds. */
export const DESCRIPTION_NOTES = {
  spicy: t('Spicy.', 'بنكهة حارة.'),
  vegetarian: t('Vegetarian.', 'خيار نباتي.'),
  organic: t('Organic.', 'منتج عضوي.'),
  large: t('Large portion.', 'حصة كبيرة.'),
};

/** Review texts by sentiment: index 0 for ratings 1-2, 1 for 3, 2 for 4-5. */
export const REVIEWS: readonly (readonly Term[])[] = [
  [
    t('Arrived cold and late. Not ordering again.', 'وصل بارداً ومتأخراً. لن أطلب مرة أخرى.'),
    t('Not fresh, disappointed.', 'غير طازج، خيبة أمل.'),
    t('Wrong item delivered.', 'وصلني منتج خطأ.'),
    t('Too expensive for the quality.', 'السعر مرتفع مقارنة بالجودة.'),
  ],
  [
    t('It was okay, nothing special.', 'لا بأس به، لا شيء مميز.'),
    t('Decent, but delivery took a while.', 'جيد، لكن التوصيل تأخر قليلاً.'),
    t('Average quality for the price.', 'جودة متوسطة مقابل السعر.'),
  ],
  [
    t('Excellent, will order again!', 'ممتاز، سأطلب مرة أخرى!'),
    t('Fresh and delivered quickly.', 'طازج ووصل بسرعة.'),
    t('Great taste and good portion.', 'طعم رائع وكمية جيدة.'),
    t('Always my go-to order.', 'طلبي المفضل دائماً.'),
    t('Very good value for money.', 'قيمة ممتازة مقابل السعر.'),
  ],
];

/** Ways people phrase a search around a word ("{q}"). */
export const SEARCH_FORMS: readonly Term[] = [
  t('{q}', '{q}'),
  t('{q}', '{q}'),
  t('{q} near me', '{q} قريب مني'),
  t('best {q}', 'أفضل {q}'),
  t('{q} delivery', 'توصيل {q}'),
  t('cheap {q}', '{q} رخيص'),
];
