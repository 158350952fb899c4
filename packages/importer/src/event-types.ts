import type { InteractionType } from '@souk/domain';

// Spellings seen in common e-commerce exports, compared case-insensitively with separators removed
// ("Add to cart", "add_to_cart" and "AddToCart" are all "addtocart").
const SPELLINGS: Record<string, InteractionType> = {
  view: 'VIEW',
  pageview: 'VIEW',
  productview: 'VIEW',
  click: 'CLICK',
  addtocart: 'ADD_TO_CART',
  cart: 'ADD_TO_CART',
  purchase: 'PURCHASE',
  transaction: 'PURCHASE',
  order: 'PURCHASE',
  save: 'SAVE',
  wishlist: 'SAVE',
  like: 'SAVE',
  review: 'REVIEW',
  search: 'SEARCH',
  impression: 'IMPRESSION',
};

/** For error messages: the spellings accepted, in a readable form. */
export const ACCEPTED_EVENT_TYPES =
  'View, PageView, ProductView, Click, AddToCart, Cart, Purchase, Transaction, Order, Save, Wishlist, Like, Review, Search, Impression';

export function toInteractionType(raw: string): InteractionType | undefined {
  return SPELLINGS[raw.toLowerCase().replace(/[^a-z]/g, '')];
}
