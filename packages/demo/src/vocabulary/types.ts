// The shapes of the curated bilingual vocabularies. Every piece of text exists in English and in
// Arabic, so a title can be written in either language or both.

export interface Term {
  en: string;
  ar: string;
}

/** A pack size; factor scales the item's base price (a 2L bottle costs about 1.8x the 1L). */
export interface Size extends Term {
  factor: number;
}

export interface Item extends Term {
  /** Base price in AED for the item's reference size. */
  price: number;
  vegetarian?: boolean;
  spicy?: boolean;
  /** Brands that make this item; defaults to its category's brands. None: unbranded (fresh produce). */
  brands?: readonly Term[];
  /** Pack sizes this item comes in; none: sold as one unit (a dish, a bunch of mint). */
  sizes?: readonly Size[];
}

/** Restaurants serve dishes; convenience stores and supermarkets sell groceries. */
export type CategoryKind = 'restaurant' | 'grocery';

export interface Category extends Term {
  id: string;
  kind: CategoryKind;
  /** Relative share of the catalog and of shoppers' attention. */
  weight: number;
  /** Bought again on a cycle (milk, bread, water): the grocery repeat-purchase pattern. */
  staple?: boolean;
  /** Sold in convenience stores too, not only supermarkets (grocery only). */
  convenience?: boolean;
  brands?: readonly Term[];
  items: readonly Item[];
}
