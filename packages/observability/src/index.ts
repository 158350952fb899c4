export { registry, attachRegistry, renderMetrics, METRICS_CONTENT_TYPE } from './registry';
export { LATENCY_BUCKETS } from './buckets';
export { REQUEST_ID_HEADER, REQUEST_ID_EXTENSION, WARM_UP_REQUEST_PREFIX, isValidRequestId, isWarmUpRequestId, requestIdFrom, subscriptionRequestId } from './request-id';
export { subgraphMetrics } from './subgraph-metrics';
export type { SubgraphMetrics } from './subgraph-metrics';
export { stageTimer, recommenderTimer, countFallback, countFiltered, countCache, countServed, countModelLoad } from './recommendation-metrics';
export type { Stage } from './recommendation-metrics';
