import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Each subgraph keeps its SDL in schema.graphql at its root: the file composition reads too. */
export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}
