import { z } from 'zod';
import { AGE_GROUPS, type AgeGroup } from '@souk/domain';
import type { Pii } from '../pii';
import type { Validation } from '../types';
import { isBlank, optionalFloat, optionalInt, optionalList, optionalText, validateRow, type Raw } from './fields';

// Name columns (first_name, last_name, name, full_name) are deliberately absent: they are never read,
// so they can never be stored. Email and phone are read only to derive the anonymised id.
export const USER_COLUMNS = {
  id: ['id', 'user_id', 'buyer_id', 'distinct_id', 'customer_id'],
  email: ['email', 'e_mail'],
  phone: ['phone', 'phone_number', 'mobile'],
  ageGroup: ['age_group'],
  age: ['age'],
  gender: ['gender'],
  city: ['city'],
  lat: ['lat', 'latitude'],
  lon: ['lon', 'lng', 'longitude'],
  favouriteCategories: ['favourite_categories', 'favorite_categories'],
  favouriteBrands: ['favourite_brands', 'favorite_brands'],
} as const;

export const USER_REQUIRED = [[...USER_COLUMNS.id, ...USER_COLUMNS.email, ...USER_COLUMNS.phone]];

const schema = z
  .object({
    id: optionalText(500),
    email: optionalText(500),
    phone: optionalText(100),
    ageGroup: optionalText(10).refine((a) => a === undefined || (AGE_GROUPS as readonly string[]).includes(a), {
      message: `is not one of ${AGE_GROUPS.join(', ')}`,
    }),
    age: optionalInt(18, 120),
    gender: optionalText(50),
    city: optionalText(200),
    lat: optionalFloat(-90, 90),
    lon: optionalFloat(-180, 180),
    favouriteCategories: optionalList(),
    favouriteBrands: optionalList(),
  })
  .superRefine((u, ctx) => {
    if (isBlank(u.id) && isBlank(u.email) && isBlank(u.phone)) ctx.addIssue({ code: 'custom', message: 'names no user: give id, email or phone' });
  });

export interface UserRow {
  id: string;
  ageGroup?: AgeGroup;
  gender?: string;
  city?: string;
  lat?: number;
  lon?: number;
  favouriteCategories?: string[];
  favouriteBrands?: string[];
}

function ageGroupOf(age: number): AgeGroup {
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

export function userValidator(pii: Pii): (values: Raw) => Validation<UserRow> {
  return (values) => {
    const v = validateRow(schema, USER_COLUMNS, { values });
    if (!v.ok) return v;
    const u = v.value;
    // The identifier events use (buyer_id, distinct_id) comes first, so a user file and an events
    // file that share it meet on one user; email, then phone, when there is no id.
    const identifier = (u.id ?? u.email ?? u.phone) as string;
    return {
      ok: true,
      value: {
        id: pii.userId(identifier),
        ageGroup: (u.ageGroup as AgeGroup | undefined) ?? (u.age === undefined ? undefined : ageGroupOf(u.age)),
        gender: u.gender?.toLowerCase(),
        city: u.city,
        lat: u.lat,
        lon: u.lon,
        favouriteCategories: u.favouriteCategories,
        favouriteBrands: u.favouriteBrands,
      },
    };
  };
}
