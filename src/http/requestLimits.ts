import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { Config } from '../config.js';
import type { GraphQLContext } from '../context.js';

/**
 * Builds GraphQL Armor's protections from the configured limits: depth,
 * aliases, directives and cost, checked before execution, so an
 * oversized document is rejected with GRAPHQL_VALIDATION_FAILED (reported
 * as BAD_USER_INPUT with HTTP 400). Field suggestions ("Did you mean ...")
 * are hidden in production, where they would reveal the schema that
 * introspection hides.
 */
export function requestLimits(config: Config): { plugins: ApolloServerPlugin<GraphQLContext>[]; validationRules: ValidationRule[] } {
  const limits = config.graphqlLimits;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // graphql-js enforces the token limit while parsing (parseOptions in
    // buildApp), which reports GRAPHQL_PARSE_FAILED with HTTP 400. With
    // Armor's own parser plugin (graphql-armor 3.2), syntax errors came back
    // as HTTP 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: config.environment === 'production' },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins as ApolloServerPlugin<GraphQLContext>[], validationRules };
}
