import { createTestDb } from '@souk/testing';
import { generateMarketplace } from './src';
import { fingerprints } from './test/fingerprint';
(async () => {
  for (const b of ['pglite', 'postgres'] as const) {
    let t = performance.now();
    const d = await createTestDb(b); console.log(b, 'create', ((performance.now() - t) / 1000).toFixed(2)); t = performance.now();
    const s = await generateMarketplace(d.db, { users: 40, businesses: 10, products: 150, events: 2500, now: new Date('2026-03-15') }); console.log(b, 'gen', s.seconds, JSON.stringify(s.steps)); t = performance.now();
    await fingerprints(d.db); console.log(b, 'fp', ((performance.now() - t) / 1000).toFixed(2)); t = performance.now();
    await d.drop(); console.log(b, 'drop', ((performance.now() - t) / 1000).toFixed(2));
  }
})();
