import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import type { GraphQLSchema } from 'graphql';
import { buildPermissions } from '../auth/buildPermissions.js';
import { packagePath } from '../packagePath.js';
import { BigIntScalar, DateTimeScalar } from './scalars.js';
import { mutationResolvers } from './resolvers/mutationResolvers.js';
import { queryResolvers } from './resolvers/queryResolvers.js';
import { typeResolvers } from './resolvers/typeResolvers.js';

export function readTypeDefs(): string {
  return readFileSync(packagePath('schema.graphql'), 'utf8');
}

/**
 * Builds the executable schema from schema.graphql with the resolvers and
 * the graphql-shield permissions derived from its access directives. Throws
 * when a root field has no access directive.
 */
export function buildSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: readTypeDefs(),
    resolvers: {
      DateTime: DateTimeScalar,
      BigInt: BigIntScalar,
      Query: queryResolvers,
      Mutation: mutationResolvers,
      ...typeResolvers,
    },
  });
  return applyMiddleware(schema, buildPermissions(schema));
}
