/**
 * Histogram buckets in seconds, from 0.2 ms to 1 s: serving aims at 25 ms p99 through the gateway,
 * so most of the resolution sits below 25 ms (fine enough that bench:serve can read per-stage
 * p50/p99 off the bucket counts), with 25 ms itself a boundary.
 */
export const LATENCY_BUCKETS: [number, ...number[]] = [
  0.0002, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075,
  0.1, 0.25, 0.5, 1,
];
