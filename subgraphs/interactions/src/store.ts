import type { Db } from '@souk/db';
import { popularityTermSql } from '@souk/domain';
import type { ValidEvent } from './validate';

export interface InteractionRow {
  event_id: string;
  user_id: string;
  product_id: string | null;
  business_id: string | null;
  type: string;
  query: string | null;
  review_text: string | null;
  rating: number | null;
  occurred_at: Date;
  session_id: string | null;
  device: string | null;
}

export interface References {
  users: Set<string>;
  /** product id -> its business id */
  products: Map<string, string>;
  businesses: Set<string>;
}

export class InteractionStore {
  constructor(
    private readonly db: Db,
    private readonly halfLifeDays: number,
  ) {}

  /** Which of the referenced users, products and businesses exist: one round trip. */
  async references(userIds: string[], productIds: string[], businessIds: string[]): Promise<References> {
    const rows = await this.db.query<{ kind: string; id: string; business_id: string | null }>(
      `SELECT 'u' AS kind, id, NULL AS business_id FROM users WHERE id = ANY($1::text[])
       UNION ALL SELECT 'p', id, business_id FROM products WHERE id = ANY($2::text[])
       UNION ALL SELECT 'b', id, NULL FROM businesses WHERE id = ANY($3::text[])`,
      [userIds, productIds, businessIds],
    );
    const refs: References = { users: new Set(), products: new Map(), businesses: new Set() };
    for (const r of rows) {
      if (r.kind === 'u') refs.users.add(r.id);
      else if (r.kind === 'p') refs.products.set(r.id, r.business_id!);
      else refs.businesses.add(r.id);
    }
    return refs;
  }

  /**
   * Stores events and folds them into product popularity in one transaction. Returns the ids
   * actually inserted: an id already stored (a retry) is skipped by ON CONFLICT, not an error.
   */
  async insert(events: ValidEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const col = <K extends keyof ValidEvent>(k: K) => events.map((e) => e[k]);
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ event_id: string; product_id: string | null; type: string; occurred_at: Date }>(
        `INSERT INTO interactions (event_id, user_id, product_id, business_id, type, query, review_text, rating, occurred_at, session_id, device)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::smallint[], $9::timestamptz[], $10::text[], $11::text[])
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id, product_id, type, occurred_at`,
        [
          col('eventId'), col('userId'), col('productId'), col('businessId'), col('type'), col('query'), col('reviewText'),
          col('rating'), events.map((e) => e.occurredAt.toISOString()), col('sessionId'), col('device'),
        ],
      );
      const forPopularity = inserted.filter((r) => r.product_id !== null);
      if (forPopularity.length) {
        await tx.query(
          `INSERT INTO product_popularity (product_id, score, events, updated_at)
           SELECT product_id, sum(${popularityTermSql('type', 'occurred_at', '$4')}), count(*), now()
           FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS e(product_id, type, occurred_at)
           GROUP BY product_id
           ON CONFLICT (product_id) DO UPDATE SET
             score = product_popularity.score + EXCLUDED.score,
             events = product_popularity.events + EXCLUDED.events,
             updated_at = now()`,
          [forPopularity.map((r) => r.product_id), forPopularity.map((r) => r.type), forPopularity.map((r) => r.occurred_at.toISOString()), this.halfLifeDays],
        );
      }
      return new Set(inserted.map((r) => r.event_id));
    });
  }

  async isRecorded(eventId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM interactions WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }

  /** The newest `first` interactions of each user, for many users in one query. */
  async recentByUsers(userIds: readonly string[], first: number, types: string[] | null): Promise<InteractionRow[][]> {
    const rows = await this.db.query<InteractionRow & { rn: number }>(
      `SELECT * FROM (
         SELECT event_id, user_id, product_id, business_id, type, query, review_text, rating, occurred_at, session_id, device,
                row_number() OVER (PARTITION BY user_id ORDER BY occurred_at DESC, id DESC) AS rn
         FROM interactions
         WHERE user_id = ANY($1::text[]) AND ($2::text[] IS NULL OR type = ANY($2::text[]))
       ) t WHERE rn <= $3 ORDER BY user_id, rn`,
      [userIds, types, first],
    );
    const byUser = new Map<string, InteractionRow[]>();
    for (const r of rows) {
      const list = byUser.get(r.user_id) ?? [];
      list.push(r);
      byUser.set(r.user_id, list);
    }
    return userIds.map((id) => byUser.get(id) ?? []);
  }
}
