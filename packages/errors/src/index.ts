export * from './domain';
export { toGraphQLError, formatError } from './graphql';
