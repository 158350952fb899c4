export { startSubgraph } from './server';
export type { InProcessRequest, RunningSubgraph, SubgraphOptions } from './server';
export { loadTypeDefs } from './schema';
export { debounceByKey } from './debounce';
export type { RequestScope, WithRequestScope } from './request-scope';
