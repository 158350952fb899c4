/** A keyset page from `first + 1` rows fetched in id order: the extra row only says another page follows. */
export function connection<T extends { id: string }>(rows: T[], first: number) {
  const nodes = rows.slice(0, first);
  return { nodes, pageInfo: { endCursor: nodes.at(-1)?.id ?? null, hasNextPage: rows.length > first } };
}
