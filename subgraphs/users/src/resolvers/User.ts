import type { UsersContext } from '../context';
import type { UserRow } from '../store';

export const User = {
  __resolveReference: (ref: { id: string }, ctx: UsersContext) => ctx.users.load(ref.id),
  ageGroup: (u: UserRow) => u.age_group,
  location: (u: UserRow) => (u.city || u.lat !== null ? { city: u.city, lat: u.lat, lon: u.lon } : null),
  preferences: (u: UserRow) => ({ favouriteCategories: u.favourite_categories, favouriteBrands: u.favourite_brands }),
  createdAt: (u: UserRow) => u.created_at.toISOString(),
};
