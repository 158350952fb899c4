/** What writing one batch did; rejections here are rows that only the database could judge. */
export interface WriteResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; reason: string }[];
}

export const emptyResult = (): WriteResult => ({ created: 0, updated: 0, unchanged: 0, rejected: [] });

export function addResult(into: WriteResult, r: WriteResult): void {
  into.created += r.created;
  into.updated += r.updated;
  into.unchanged += r.unchanged;
  into.rejected.push(...r.rejected);
}
