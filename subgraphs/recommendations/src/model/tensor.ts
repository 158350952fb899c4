// A tensor as serving builds and reads it, on the main thread or across to a model's worker thread
// (model-thread.ts): plain data, which postMessage copies as is, where an onnxruntime Tensor
// would lose its data getter.

export type TensorData =
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] }
  | { type: 'float32'; data: Float32Array; dims: readonly number[] };

export type Feeds = Record<string, TensorData>;

export function int64(data: BigInt64Array, dims: readonly number[]): TensorData {
  return { type: 'int64', data, dims };
}

export function float32(data: Float32Array, dims: readonly number[]): TensorData {
  return { type: 'float32', data, dims };
}
