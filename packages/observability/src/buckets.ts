/**
 * Histogram buckets in seconds, from 0.5 ms to 1 s: serving aims at 25 ms p99 through the gateway,
 * so most of the resolution sits below 25 ms, with 25 ms itself a boundary.
 */
export const LATENCY_BUCKETS: [number, ...number[]] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
