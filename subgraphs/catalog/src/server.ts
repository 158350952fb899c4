import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { loadTypeDefs } from '@souk/subgraph-kit';
import { createContext, type CatalogContext, type CatalogDeps } from './context';
import { resolvers } from './resolvers';

export type { CatalogContext, CatalogDeps } from './context';

export const typeDefs = loadTypeDefs(join(__dirname, '..', 'schema.graphql'));

/** Builds the catalog subgraph (schema + per-request context); listening is index.ts's job. */
export function buildCatalogSubgraph(deps: CatalogDeps) {
  return {
    name: 'catalog',
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<CatalogContext> }]),
    context: () => createContext(deps),
  };
}
