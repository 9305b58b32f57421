import { getDirectives } from '@graphql-tools/utils';
import { createRateLimitRule } from 'graphql-rate-limit';
import { isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { IRule } from 'graphql-shield';
import type { GraphQLContext } from '../context.js';
import { RateLimitedError, ServiceUnavailableError } from '../errors.js';
import { parseDuration } from '../config/parseDuration.js';
import type { RateLimiter, StoreDownPolicy } from './RateLimiter.js';
import { LimiterStore, type OperationLimit } from './LimiterStore.js';

/** Rate limit rules by type name, then field name, in declaration order. */
export type RateLimitRules = Record<string, Record<string, IRule[]>>;

/** Seconds a client is asked to wait when the shared store is down. */
const UNAVAILABLE_RETRY_SECONDS = 5;

export class InvalidRateLimitError extends Error {
  override name = 'InvalidRateLimitError';
}

function contextIdentity(by: string) {
  return (context: GraphQLContext): string => {
    const { principal } = context;
    if (by === 'PRINCIPAL' && principal.kind === 'user') {
      return `user:${principal.userId}`;
    }
    if (by === 'PRINCIPAL' && principal.kind === 'collector') {
      return `collector:${principal.collectorId}`;
    }
    return `address:${context.clientAddress}`;
  };
}

function readLimit(
  name: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  factor: number,
): OperationLimit & { identityArgs: string[] } {
  const windowMs = (parseDuration(String(args['window'])) ?? 0) * 1000;
  const max = Math.max(1, Math.round(Number(args['max']) * factor));
  const identityArgs = (args['identityArgs'] as string[] | undefined) ?? [];
  if (windowMs <= 0 || !Number.isInteger(max) || max < 1) {
    throw new InvalidRateLimitError(`${name}: @rateLimit needs max >= 1 and a window such as "1m"`);
  }
  for (const path of identityArgs) {
    const argument = path.split('.')[0];
    if (!field.args.some((candidate) => candidate.name === argument)) {
      throw new InvalidRateLimitError(`${name}: @rateLimit identityArgs names "${path}", which is not an argument`);
    }
  }
  const policy: StoreDownPolicy = args['whenStoreDown'] === 'LOCAL' ? 'local' : 'fail-closed';
  return { name, max, windowMs, policy, identityArgs };
}

/**
 * Builds a graphql-rate-limit shield rule for each @rateLimit directive in
 * the schema. Every alias of a limited field is a separate resolver call, so
 * each one counts. The rejection reason travels from the store to
 * createError through formatError's message, the only channel the library
 * offers between the two.
 */
export function buildRateLimitRules(schema: GraphQLSchema, limiter: RateLimiter, factor = 1): RateLimitRules {
  const rules: RateLimitRules = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) {
      continue;
    }
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      const directives = getDirectives(schema, field).filter((directive) => directive.name === 'rateLimit');
      const fieldRules = directives.map((directive, index) =>
        ruleFor(
          readLimit(`${type.name}.${fieldName}#${index}`, field, directive.args ?? {}, factor),
          String(directive.args?.['by'] ?? 'CLIENT_ADDRESS'),
          limiter,
        ),
      );
      if (fieldRules.length > 0) {
        rules[type.name] = { ...rules[type.name], [fieldName]: fieldRules };
      }
    }
  }
  return rules;
}

function ruleFor(limit: OperationLimit & { identityArgs: string[] }, by: string, limiter: RateLimiter): IRule {
  const store = new LimiterStore(limiter, limit);
  const createRule = createRateLimitRule({
    store,
    identifyContext: contextIdentity(by),
    formatError: ({ contextIdentity: context, fieldIdentity }) =>
      JSON.stringify(store.takeRejection({ contextIdentity: context, fieldIdentity: fieldIdentity ?? '' }) ?? null),
    createError: (message) => {
      const rejection = JSON.parse(message) as ReturnType<LimiterStore['takeRejection']> | null;
      if (rejection?.unavailable) {
        return new ServiceUnavailableError('Rate limit store unavailable; try again shortly', UNAVAILABLE_RETRY_SECONDS);
      }
      const retryAfterMs = rejection?.retryAfterMs ?? limit.windowMs;
      return new RateLimitedError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    },
  });
  return createRule({ max: limit.max, window: `${limit.windowMs}ms`, identityArgs: limit.identityArgs });
}
