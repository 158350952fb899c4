import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { generateMarketplace, type GenerateSummary } from '../src';
import { fingerprints } from './fingerprint';

// What the generated marketplace must hold, checked in SQL on each backend.
const NOW = new Date('2026-03-15T00:00:00Z');
const DAYS = 60;
const SIZES = { users: 80, businesses: 24, products: 500, events: 6_000, seed: 3, now: NOW, days: DAYS };
const digests: Record<string, Record<string, string>> = {};

describe.each(BACKENDS)('demo marketplace on %s', (backend) => {
  let t: TestDb;
  let summary: GenerateSummary;
  const one = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await t.db.query<R>(sql, params))[0];
  const n = async (sql: string, params: unknown[] = []) => (await one<{ n: number }>(sql, params)).n;

  beforeAll(async () => {
    t = await createTestDb(backend);
    summary = await generateMarketplace(t.db, SIZES);
    digests[backend] = await fingerprints(t.db);
  });
  afterAll(() => t.drop());

  test('row counts match the requested sizes', async () => {
    const expected = { users: 80, businesses: 24, products: 500, product_images: 500, stock: 500, interactions: 6_000 };
    expect(summary.counts).toMatchObject(expected);
    for (const [table, count] of Object.entries(expected)) expect(await n(`SELECT count(*)::int AS n FROM ${table}`)).toBe(count);
  });

  test('every product has a 1280-d non-negative image vector and a stock row; some are sold out', async () => {
    expect(await n('SELECT count(*)::int AS n FROM products p JOIN product_images i ON i.product_id = p.id WHERE vector_dims(i.embedding) = 1280')).toBe(500);
    expect(await n("SELECT count(*)::int AS n FROM product_images WHERE embedding::text LIKE '%-%'")).toBe(0);
    const stock = await one<{ rows: number; out: number }>('SELECT count(*)::int AS rows, count(*) FILTER (WHERE quantity = 0)::int AS out FROM stock');
    expect(stock.rows).toBe(500);
    expect(stock.out).toBeGreaterThan(0);
    expect(stock.out).toBeLessThan(100);
  });

  test('all three verticals, and titles in English, Arabic and both', async () => {
    const verticals = await t.db.query<{ vertical: string }>('SELECT DISTINCT vertical FROM businesses ORDER BY 1');
    expect(verticals.map((v) => v.vertical)).toEqual(['CONVENIENCE', 'RESTAURANT', 'SUPERMARKET']);
    const titles = await one<{ arabic: number; english_only: number; both: number }>(`SELECT
      count(*) FILTER (WHERE title ~ '[\u0621-\u064A]' AND title !~ '[A-Za-z]')::int AS arabic,
      count(*) FILTER (WHERE title !~ '[\u0621-\u064A]')::int AS english_only,
      count(*) FILTER (WHERE title ~ '[\u0621-\u064A]' AND title ~ '[A-Za-z]')::int AS both
      FROM products`);
    expect(titles.arabic).toBeGreaterThan(25);
    expect(titles.english_only).toBeGreaterThan(25);
    expect(titles.both).toBeGreaterThan(25);
    expect(await n("SELECT count(*)::int AS n FROM products WHERE description ~ '[\u0621-\u064A]'")).toBeGreaterThan(100);
  });

  test('price_range follows price within each category', async () => {
    const rows = await t.db.query<{ category: string; price_range: number; avg: number }>(
      'SELECT category, price_range, avg(price)::float AS avg FROM products GROUP BY 1, 2 ORDER BY 1, 2',
    );
    const byCategory = new Map<string, number[]>();
    for (const r of rows) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r.avg]);
    for (const avgs of byCategory.values()) for (let i = 1; i < avgs.length; i++) expect(avgs[i]).toBeGreaterThan(avgs[i - 1]);
    expect(await n('SELECT count(DISTINCT price_range)::int AS n FROM products')).toBe(4);
  });

  test('events reference existing users, products and their businesses, inside the window', async () => {
    expect(await n('SELECT count(*)::int AS n FROM interactions i LEFT JOIN users u ON u.id = i.user_id WHERE u.id IS NULL')).toBe(0);
    expect(await n('SELECT count(*)::int AS n FROM interactions i LEFT JOIN products p ON p.id = i.product_id WHERE i.product_id IS NOT NULL AND (p.id IS NULL OR p.business_id <> i.business_id)')).toBe(0);
    expect(await n("SELECT count(*)::int AS n FROM interactions WHERE event_id !~ '^demo-3-[0-9]+$'")).toBe(0);
    const window = await one<{ first: Date; last: Date }>('SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM interactions');
    expect(window.first.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - DAYS * 86_400_000);
    expect(window.last.getTime()).toBeLessThan(NOW.getTime());
    // Nobody acts on a product before it is listed.
    expect(await n('SELECT count(*)::int AS n FROM interactions i JOIN products p ON p.id = i.product_id WHERE i.occurred_at < p.created_at')).toBe(0);
  });

  test('sessions with devices, impressions of which a few are clicked, and a narrowing funnel', async () => {
    expect(await n("SELECT count(*)::int AS n FROM interactions WHERE session_id IS NULL OR device NOT IN ('ios', 'android', 'web')")).toBe(0);
    expect(await n('SELECT count(DISTINCT device)::int AS n FROM interactions')).toBe(3);
    expect(await n('SELECT count(*)::int AS n FROM (SELECT session_id FROM interactions GROUP BY 1 HAVING count(*) >= 5) s')).toBeGreaterThan(100);
    const types = Object.fromEntries(
      (await t.db.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM interactions GROUP BY 1')).map((r) => [r.type, r.n]),
    );
    for (const type of ['IMPRESSION', 'VIEW', 'CLICK', 'ADD_TO_CART', 'PURCHASE', 'SEARCH', 'SAVE', 'REVIEW']) expect(types[type]).toBeGreaterThan(0);
    expect(types.IMPRESSION).toBeGreaterThan(types.VIEW);
    expect(types.VIEW).toBeGreaterThan(types.CLICK);
    expect(types.CLICK).toBeGreaterThan(types.ADD_TO_CART);
    expect(types.ADD_TO_CART).toBeGreaterThan(types.PURCHASE);
    // Hard negatives for training: shown in a session, never clicked there.
    const shownNotClicked = await n(`SELECT count(*)::int AS n FROM interactions s WHERE s.type = 'IMPRESSION' AND NOT EXISTS (
      SELECT 1 FROM interactions c WHERE c.session_id = s.session_id AND c.product_id = s.product_id AND c.type = 'CLICK')`);
    expect(shownNotClicked).toBeGreaterThan(types.IMPRESSION * 0.7);
  });

  test('searches carry English and Arabic queries; reviews carry text and a rating', async () => {
    const q = await one<{ arabic: number; english: number; missing: number }>(`SELECT
      count(*) FILTER (WHERE query ~ '[\u0621-\u064A]')::int AS arabic,
      count(*) FILTER (WHERE query ~ '^[a-z0-9'' &-]+$')::int AS english,
      count(*) FILTER (WHERE query IS NULL OR product_id IS NOT NULL)::int AS missing
      FROM interactions WHERE type = 'SEARCH'`);
    expect(q.arabic).toBeGreaterThan(0);
    expect(q.english).toBeGreaterThan(0);
    expect(q.missing).toBe(0);
    expect(await n("SELECT count(*)::int AS n FROM interactions WHERE type = 'REVIEW' AND (review_text IS NULL OR rating NOT BETWEEN 1 AND 5)")).toBe(0);
  });

  test('grocery shoppers rebuy the same staples on a cycle of days', async () => {
    const rows = await t.db.query<{ days: Date[] }>(`SELECT array_agg(DISTINCT date_trunc('day', i.occurred_at) ORDER BY date_trunc('day', i.occurred_at)) AS days
      FROM interactions i JOIN businesses b ON b.id = i.business_id
      WHERE i.type = 'PURCHASE' AND b.vertical IN ('SUPERMARKET', 'CONVENIENCE')
      GROUP BY i.user_id, i.product_id HAVING count(DISTINCT date_trunc('day', i.occurred_at)) >= 4`);
    expect(rows.length).toBeGreaterThan(10);
    const gaps = rows.flatMap((r) => r.days.slice(1).map((d, i) => (new Date(d).getTime() - new Date(r.days[i]).getTime()) / 86_400_000)).sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)];
    expect(median).toBeGreaterThanOrEqual(4);
    expect(median).toBeLessThanOrEqual(13);
  });

  test('users have profiles with favourite categories, and some are cold with no events', async () => {
    expect(await n("SELECT count(*)::int AS n FROM users WHERE id !~ '^u_[0-9]{6}$' OR age_group IS NULL OR city IS NULL OR lat IS NULL OR cardinality(favourite_categories) = 0")).toBe(0);
    const inactive = await n('SELECT count(*)::int AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.user_id = u.id)');
    expect(inactive).toBeGreaterThan(0);
    expect(inactive).toBeLessThan(20);
  });

  test('product_popularity is rebuilt from the events', async () => {
    expect(await n('SELECT count(*)::int AS n FROM product_popularity')).toBe(await n('SELECT count(DISTINCT product_id)::int AS n FROM interactions'));
    expect(await n('SELECT count(*)::int AS n FROM product_popularity WHERE score > 0')).toBeGreaterThan(100);
  });

  test('a second run keeps the data, for this seed or another', async () => {
    const again = await generateMarketplace(t.db, SIZES);
    expect(again.skipped).toBe(true);
    expect(again.reason).toMatch(/seed 3/);
    const other = await generateMarketplace(t.db, { ...SIZES, seed: 4 });
    expect(other.skipped).toBe(true);
    expect(await n('SELECT count(*)::int AS n FROM interactions')).toBe(6_000);
  });
});

test('both backends hold byte-identical rows for the same seed', () => {
  expect(Object.keys(digests).sort()).toEqual(['pglite', 'postgres']);
  expect(digests.pglite).toEqual(digests.postgres);
});
