export { createTestDb, BACKENDS, testPostgresUrl, testRedisUrl } from './databases';
export type { TestDb, Backend } from './databases';
export { gql } from './graphql';
export type { GraphQLResponse } from './graphql';
export { seedSmallMarketplace } from './seed';
export { freePorts, startTs, waitFor, repoRoot } from './processes';
export type { SoukProcess } from './processes';
export { logSink } from './log-sink';
