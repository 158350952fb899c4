import { createHmac } from 'node:crypto';
import { BACKENDS, createTestDb, type TestDb } from '@souk/testing';
import { csv, dumpEverything, HMAC_KEY, jsonl, run, tempDir } from './helpers';

const RAW = {
  email: 'Alice.Smith@example.com',
  phone: '+971 50 123 4567',
  phoneDigits: '971501234567',
  firstName: 'Zenobia',
  lastName: 'Quackenbush',
  otherEmail: 'bob.jones@mail.example.org',
  localPhone: '050-765-4321',
};

describe.each(BACKENDS)('personal data (%s)', (backend) => {
  let t: TestDb;
  const files = tempDir();
  beforeAll(async () => {
    t = await createTestDb(backend);
    const report = await run(t.db, [
      files.write(
        'users.jsonl',
        jsonl([
          { email: RAW.email, phone: RAW.phone, first_name: RAW.firstName, last_name: RAW.lastName, name: `${RAW.firstName} ${RAW.lastName}`, age_group: '25-34' },
          { id: RAW.otherEmail, full_name: 'Bob Jones', mobile: RAW.localPhone },
        ]),
      ),
      files.write(
        'products.csv',
        csv(['id', 'title', 'description', 'metadata'], [['p1', 'Cake', `Order by mail ${RAW.otherEmail} or call ${RAW.localPhone}`, { catalog_id: 'c1', seller_email: RAW.email, note: `ask ${RAW.phone}` }]]),
      ),
      files.write(
        'events.csv',
        csv(
          ['buyer_id', 'product_id', 'event_type', 'timestamp', 'review_text', 'query'],
          [
            // The event's user is the users file's first user, named by the same email in other case.
            [RAW.email.toUpperCase(), 'p1', 'review', '2025-05-01T10:00:00Z', `Great! Contact me at ${RAW.email} or ${RAW.phone}`, ''],
            [RAW.phone, '', 'search', '2025-05-01T10:01:00Z', '', `cake ${RAW.otherEmail}`],
            [RAW.otherEmail, 'p1', 'view', '2025-05-01T10:02:00Z', 'Baked on 2025-04-30, 12 pieces', ''],
          ],
        ),
      ),
    ]);
    expect(report.rejected).toBe(0);
  });
  afterAll(async () => {
    await t.drop();
    files.remove();
  });

  it('never stores an email, phone number or name in any table', async () => {
    const everything = (await dumpEverything(t.db)).toLowerCase();
    expect(everything).toContain('<pii:'); // the dump did see the scrubbed text
    for (const raw of Object.values(RAW)) expect(everything).not.toContain(raw.toLowerCase());
    expect(everything).not.toContain('bob jones');
    expect(everything).not.toContain('501234567');
  });

  it('maps each user identifier to u_<hmac>, the same for every spelling of it', async () => {
    const expected = `u_${createHmac('sha256', HMAC_KEY).update(RAW.email.toLowerCase()).digest('hex').slice(0, 24)}`;
    const users = await t.db.query<{ id: string; age_group: string | null }>('SELECT id, age_group FROM users ORDER BY id');
    expect(users.map((u) => u.id).every((id) => /^u_[0-9a-f]{24}$/.test(id))).toBe(true);
    // alice (by email, in both files), bob (by id), and the searcher known only by phone.
    expect(users).toHaveLength(3);
    expect(users).toContainEqual({ id: expected, age_group: '25-34' });
    const review = await t.db.query<{ user_id: string; review_text: string }>("SELECT user_id, review_text FROM interactions WHERE type = 'REVIEW'");
    expect(review[0].user_id).toBe(expected);
    expect(review[0].review_text).toMatch(/^Great! Contact me at <pii:[0-9a-f]{8}> or <pii:[0-9a-f]{8}>$/);
  });

  it('leaves dates and small numbers in free text alone', async () => {
    const rows = await t.db.query<{ review_text: string }>("SELECT review_text FROM interactions WHERE type = 'VIEW'");
    expect(rows[0].review_text).toBe('Baked on 2025-04-30, 12 pieces');
  });
});
