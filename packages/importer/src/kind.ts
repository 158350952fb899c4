import { basename } from 'node:path';
import type { Kind } from './types';

// The kind of a file comes from --kind, else its name, else its fields. Events are tried first so
// that "user_events.csv" is events and "store_products.csv" products.
const BY_NAME: [RegExp, Kind][] = [
  [/event|interaction|click|activit/, 'events'],
  [/product|item|catalog|sku/, 'products'],
  [/business|store|shop|merchant|restaurant|vendor/, 'businesses'],
  [/user|customer|buyer|member|people/, 'users'],
];

export function kindFromName(path: string): Kind | undefined {
  const name = basename(path).toLowerCase();
  return BY_NAME.find(([re]) => re.test(name))?.[1];
}

export function kindFromFields(fields: readonly string[]): Kind | undefined {
  const has = (...names: string[]) => names.some((n) => fields.includes(n));
  if (has('event_type', 'event_name')) return 'events';
  if (has('title', 'product_name')) return 'products';
  if (has('email', 'phone', 'age_group', 'gender', 'first_name', 'favourite_categories', 'buyer_id', 'distinct_id', 'user_id')) return 'users';
  if (has('vertical', 'name', 'business_name')) return 'businesses';
  return undefined;
}
