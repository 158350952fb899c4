import type { Db } from '@souk/db';

/**
 * A tiny marketplace for tests that need only a few rows: two businesses per vertical, products
 * with stock, a few users. Plain SQL, so it does not depend on the generator it may be testing.
 */
export async function seedSmallMarketplace(db: Db): Promise<{ users: string[]; products: string[]; businesses: string[] }> {
  const verticals = ['RESTAURANT', 'CONVENIENCE', 'SUPERMARKET'];
  const businesses: string[] = [];
  const products: string[] = [];
  for (const [vi, vertical] of verticals.entries()) {
    for (let b = 0; b < 2; b++) {
      const id = `b_${vi}_${b}`;
      businesses.push(id);
      await db.query(`INSERT INTO businesses (id, vertical, name, city, is_open, dedup_key) VALUES ($1, $2, $3, 'Dubai', true, $1)`, [id, vertical, `${vertical} shop ${b}`]);
      for (let p = 0; p < 5; p++) {
        const pid = `p_${vi}_${b}_${p}`;
        products.push(pid);
        await db.query(
          `INSERT INTO products (id, business_id, title, description, category, brand, price, price_range, dedup_key)
           VALUES ($1, $2, $3, 'test product', $4, 'Brand', $5, 1, $1)`,
          [pid, id, `Product ${pid}`, p % 2 ? 'Dairy' : 'Bakery', 5 + p],
        );
        await db.query('INSERT INTO stock (product_id, quantity) VALUES ($1, $2)', [pid, p === 4 ? 0 : 10]);
      }
    }
  }
  const users = ['u_1', 'u_2', 'u_3'];
  for (const u of users) await db.query(`INSERT INTO users (id, age_group, city) VALUES ($1, '25-34', 'Dubai')`, [u]);
  return { users, products, businesses };
}
