import { createTestDb, type Backend } from '@souk/testing';
import { generateMarketplace } from './src/generate';
(async () => {
  const [backend, users, businesses, products, events] = process.argv.slice(2);
  const t = performance.now();
  const { db, drop } = await createTestDb(backend as Backend);
  try {
    const s = await generateMarketplace(db, { users: +users, businesses: +businesses, products: +products, events: +events, now: new Date('2026-06-01'), log: (l) => console.log(l) });
    console.log(JSON.stringify(s));
    console.log('with create+migrate', ((performance.now() - t) / 1000).toFixed(1));
  } finally { await drop(); }
})();
