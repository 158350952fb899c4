import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { loadTypeDefs } from '@souk/subgraph-kit';
import { createContext, type UsersContext, type UsersDeps } from './context';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..', 'schema.graphql'));

/** Builds the users subgraph (schema + per-request context); listening is index.ts's job. */
export function buildUsersSubgraph(deps: UsersDeps) {
  return {
    name: 'users',
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<UsersContext> }]),
    context: () => createContext(deps),
  };
}
