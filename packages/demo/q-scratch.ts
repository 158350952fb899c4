import { PgliteDb } from '@souk/db';
(async () => {
  const db = await PgliteDb.open(process.argv[2]);
  for (const sql of process.argv.slice(3)) console.table(await db.query(sql));
  await db.close();
})();
