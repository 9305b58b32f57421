import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import type { GraphQLSchema } from 'graphql';
import { buildPermissions } from '../auth/buildPermissions.js';
import { packagePath } from '../packagePath.js';
import { buildRateLimitRules } from '../rateLimit/buildRateLimitRules.js';
import type { RateLimiter } from '../rateLimit/RateLimiter.js';
import { BigIntScalar, DateTimeScalar } from './scalars.js';
import { mutationResolvers } from './resolvers/mutationResolvers.js';
import { queryResolvers } from './resolvers/queryResolvers.js';
import { typeResolvers } from './resolvers/typeResolvers.js';

export function readTypeDefs(): string {
  return readFileSync(packagePath('schema.graphql'), 'utf8');
}

/**
 * Builds the executable schema from schema.graphql with the resolvers and
 * the graphql-shield permissions derived from its access and @rateLimit
 * directives. Throws when a root field has no access directive. Without a
 * limiter (tests of the schema alone) no rate limit applies.
 */
export function buildSchema(limiter?: RateLimiter, operationFactor = 1): GraphQLSchema {
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
  const rateLimits = limiter ? buildRateLimitRules(schema, limiter, operationFactor) : {};
  return applyMiddleware(schema, buildPermissions(schema, rateLimits));
}
