export { createTestDb, BACKENDS, testPostgresUrl, testRedisUrl } from './databases';
export type { TestDb, Backend } from './databases';
