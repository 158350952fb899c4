import type { Client } from 'pg';
import { RECOMMEND_QUERY, type RecommendData, type Vertical } from './contexts';
import { PROBE_TITLE_PREFIX } from './dataset';
import type { GraphqlClient } from './gql';

// Freshness: how long a product created through the catalog's mutation takes to show up in
// recommendations. Each trial creates a product (in stock, with an image vector copied from one of
// the business's products, as a real listing would have) in a small open business, then asks for
// that business's page (businessId + its vertical, the largest list the server allows) every
// 100 ms until the new id is in it, or the timeout passes (then the trial's figure is null).

export interface FreshnessTrial {
  businessId: string;
  productId: string | null;
  /** Seconds from the mutation's answer to the first list holding the product; null: timed out or failed. */
  seconds: number | null;
  polls: number;
  /** Path and model version of the list that first held it. */
  path?: string;
  modelVersion?: string;
  error?: string;
}

export interface Target {
  id: string;
  vertical: Vertical;
  category: string;
  image: number[] | null;
}

const CREATE_PRODUCT = `mutation BenchCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const POLL_MS = 100;

/**
 * The smallest open businesses (a new product has the best chance there), one per trial. Chosen
 * before the load starts: the statement groups the whole catalog (about 80 ms of PostgreSQL on 100k
 * products, with parallel workers), and run at the first trial it was the bench's own load in the
 * measured seconds.
 */
export async function freshnessTargets(pg: Client, n: number): Promise<Target[]> {
  const { rows } = await pg.query<{ id: string; vertical: Vertical; category: string; image: string | null }>(
    `WITH small AS (
       SELECT b.id, b.vertical, count(p.id) AS n FROM businesses b JOIN products p ON p.business_id = b.id
       WHERE b.is_open GROUP BY b.id ORDER BY count(p.id), b.id LIMIT $1
     )
     SELECT s.id, s.vertical,
            (SELECT p.category FROM products p WHERE p.business_id = s.id GROUP BY p.category ORDER BY count(*) DESC, p.category LIMIT 1) AS category,
            (SELECT pi.embedding::text FROM product_images pi JOIN products p ON p.id = pi.product_id WHERE p.business_id = s.id ORDER BY p.id LIMIT 1) AS image
     FROM small s ORDER BY s.n, s.id`,
    [n],
  );
  return rows.map((r) => ({ id: r.id, vertical: r.vertical, category: r.category, image: r.image ? (JSON.parse(r.image) as number[]) : null }));
}

export async function runFreshness(
  client: GraphqlClient, businesses: readonly Target[], o: { trials: number; timeoutS: number; userId: string; maxLimit: number; runId: string },
  say: (s: string) => void,
): Promise<FreshnessTrial[]> {
  const out: FreshnessTrial[] = [];
  for (let k = 0; k < o.trials && businesses.length; k++) {
    const b = businesses[k % businesses.length];
    const trial = await oneTrial(client, b, o, `${PROBE_TITLE_PREFIX}${o.runId}-${k + 1}`);
    out.push(trial);
    say(`  freshness ${k + 1}/${o.trials}: ${trial.seconds === null ? `not seen within ${o.timeoutS} s${trial.error ? ` (${trial.error})` : ''}` : `${trial.seconds.toFixed(2)} s via ${trial.path} ${trial.modelVersion}`} (${trial.productId ?? '-'} at ${b.id}, ${trial.polls} polls)`);
  }
  return out;
}

async function oneTrial(client: GraphqlClient, b: Target, o: { timeoutS: number; userId: string; maxLimit: number }, title: string): Promise<FreshnessTrial> {
  const input: Record<string, unknown> = {
    businessId: b.id, title, description: 'Created by npm run bench:serve to time freshness', category: b.category, price: 9.5, stock: 100,
  };
  if (b.image) input.imageVector = b.image;
  let productId: string | null = null;
  try {
    const created = await client.post<{ createProduct: { id: string } }>(CREATE_PRODUCT, { input });
    productId = created.data?.createProduct?.id ?? null;
    if (!productId) return { businessId: b.id, productId: null, seconds: null, polls: 0, error: `createProduct: ${created.errors?.[0]?.message ?? `HTTP ${created.status}`}` };
  } catch (err) {
    return { businessId: b.id, productId: null, seconds: null, polls: 0, error: `createProduct: ${(err as Error).message}` };
  }
  const created = performance.now();
  const deadline = created + o.timeoutS * 1000;
  let polls = 0;
  let lastError: string | undefined;
  while (performance.now() < deadline) {
    const started = performance.now();
    polls++;
    try {
      const res = await client.post<RecommendData>(RECOMMEND_QUERY, { userId: o.userId, context: { businessId: b.id, vertical: b.vertical, limit: o.maxLimit } });
      const at = performance.now();
      const list = res.data?.recommendations;
      if (list?.items.some((item) => item.product?.id === productId)) {
        return { businessId: b.id, productId, seconds: (at - created) / 1000, polls, path: list.path, modelVersion: list.modelVersion };
      }
      lastError = res.errors?.[0]?.message;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + POLL_MS - performance.now())));
  }
  return { businessId: b.id, productId, seconds: null, polls, error: lastError };
}
