// pgvector's text form is '[1,2,3]' on both backends; parameters are sent and rows read in it.

export function toVector(values: ArrayLike<number>): string {
  return `[${Array.from(values).join(',')}]`;
}

/**
 * pgvector's text form is a JSON array of numbers (it stores no NaN or infinity), and JSON.parse
 * reads one without the string per element that splitting made: a 1280-d image vector is read for
 * every user-feature load.
 */
export function fromVector(text: string): Float32Array {
  return new Float32Array(JSON.parse(text) as number[]);
}
