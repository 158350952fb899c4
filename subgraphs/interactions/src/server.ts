import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { loadTypeDefs } from '@souk/subgraph-kit';
import { createContext, type InteractionsContext, type InteractionsDeps } from './context';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..', 'schema.graphql'));

export function buildInteractionsSubgraph(deps: InteractionsDeps) {
  return {
    name: 'interactions',
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<InteractionsContext> }]),
    context: () => createContext(deps),
  };
}
