// pgvector's text form is '[1,2,3]' on both backends; parameters are sent and rows read in it.

export function toVector(values: ArrayLike<number>): string {
  return `[${Array.from(values).join(',')}]`;
}

export function fromVector(text: string): Float32Array {
  const body = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  return body ? Float32Array.from(body.split(','), Number) : new Float32Array(0);
}
