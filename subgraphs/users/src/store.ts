import type { Db } from '@souk/db';

export interface UserRow {
  id: string;
  age_group: string | null;
  gender: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  favourite_categories: string[];
  favourite_brands: string[];
  created_at: Date;
}

export interface UserUpsert {
  id: string;
  ageGroup?: string | null;
  gender?: string | null;
  city?: string | null;
  lat?: number | null;
  lon?: number | null;
  favouriteCategories?: string[] | null;
  favouriteBrands?: string[] | null;
}

export class UserStore {
  constructor(private readonly db: Db) {}

  /** One query for any number of ids; results follow the order of `ids` (DataLoader's contract). */
  async byIds(ids: readonly string[]): Promise<(UserRow | null)[]> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async page(first: number, after?: string): Promise<UserRow[]> {
    return this.db.query<UserRow>(
      'SELECT * FROM users WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2',
      [after ?? null, first],
    );
  }

  async upsert(u: UserUpsert): Promise<UserRow> {
    const [row] = await this.db.query<UserRow>(
      `INSERT INTO users (id, age_group, gender, city, lat, lon, favourite_categories, favourite_brands)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::text[], '{}'), COALESCE($8::text[], '{}'))
       ON CONFLICT (id) DO UPDATE SET
         age_group = COALESCE($2, users.age_group),
         gender = COALESCE($3, users.gender),
         city = COALESCE($4, users.city),
         lat = COALESCE($5, users.lat),
         lon = COALESCE($6, users.lon),
         favourite_categories = COALESCE($7::text[], users.favourite_categories),
         favourite_brands = COALESCE($8::text[], users.favourite_brands)
       RETURNING *`,
      [u.id, u.ageGroup ?? null, u.gender ?? null, u.city ?? null, u.lat ?? null, u.lon ?? null, u.favouriteCategories ?? null, u.favouriteBrands ?? null],
    );
    return row;
  }
}
