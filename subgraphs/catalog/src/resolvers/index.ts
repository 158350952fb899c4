import { Business } from './Business';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { Query } from './Query';

export const resolvers = { Query, Mutation, Business, Product };
