import type { Db } from '@souk/db';

export const EXAMPLE_QUERY = `query Recommend($userId: ID!) {
  recommendations(userId: $userId, context: { vertical: SUPERMARKET, limit: 5 }) {
    modelVersion
    path
    items {
      rank
      score
      reason
      product { id title price stockStatus business { name } }
    }
  }
}`;

/** The most active user: the example shows a list shaped by real history. */
export async function exampleUser(db: Db): Promise<string | null> {
  const rows = await db.query<{ user_id: string }>(
    'SELECT user_id FROM interactions GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1',
  );
  return rows[0]?.user_id ?? null;
}

export function curlFor(url: string, query: string, variables: Record<string, unknown>): string {
  const body = JSON.stringify({ query: query.replace(/\s+/g, ' '), variables });
  return `curl -s ${url} -H 'content-type: application/json' -d '${body.replace(/'/g, `'\\''`)}'`;
}
