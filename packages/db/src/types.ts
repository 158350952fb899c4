// Both backends parse result values the same way, so code above the Db interface never sees a
// difference: bigint counts and numeric prices come back as JS numbers (they fit: ids are text,
// counts stay far below 2^53), timestamps as Date, vectors as pgvector's text '[...]'.
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;

export const TYPE_PARSERS: Record<number, (value: string) => unknown> = {
  [INT8_OID]: (v) => Number(v),
  [NUMERIC_OID]: (v) => Number(v),
};
