// Dedup keys for generated rows. Keys come from @souk/domain (normalised name and city, normalised
// title within a business), the same ones the catalog subgraph and the importer compute, so an
// import that matches a demo product lands on it. A generated shop may list the same title twice
// (two identical packs of milk); the second gets a "|2" suffix so the unique index holds.

export class UniqueKeys {
  private readonly seen = new Map<string, number>();

  claim(key: string): string {
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return n === 1 ? key : `${key}|${n}`;
  }
}
