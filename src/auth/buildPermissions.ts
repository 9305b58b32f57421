import { allow, and, chain, deny, rule, shield } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import type { GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Role } from '../generated/prisma/enums.js';
import { roleSatisfies } from './principal.js';
import { readAccessRequirements, type AccessRequirement } from './readAccessRequirements.js';

function unauthenticatedFor(context: GraphQLContext): UnauthenticatedError {
  if (context.principal.kind === 'invalid') {
    return new UnauthenticatedError(`Invalid token: ${context.principal.reason}`);
  }
  return new UnauthenticatedError();
}

// The rules read only the principal, never arguments, so the `contextual`
// cache (one evaluation per request) is safe.
const isCollector = rule('isCollector', { cache: 'contextual' })((_parent, _args, context: GraphQLContext) => {
  const { principal } = context;
  if (principal.kind === 'collector') {
    return true;
  }
  if (principal.kind === 'user') {
    return new ForbiddenError('Forbidden: only a collector token may call this operation');
  }
  return unauthenticatedFor(context);
});

function hasRole(required: Role) {
  return rule(`hasRole${required}`, { cache: 'contextual' })((_parent, _args, context: GraphQLContext) => {
    const { principal } = context;
    if (principal.kind === 'user') {
      return roleSatisfies(principal.role, required)
        ? true
        : new ForbiddenError(`Forbidden: this operation requires the ${required} role or above`);
    }
    if (principal.kind === 'collector') {
      return new ForbiddenError('Forbidden: a collector token cannot call this operation');
    }
    return unauthenticatedFor(context);
  });
}

const roleRules = { ADMIN: hasRole('ADMIN'), USER: hasRole('USER'), VIEWER: hasRole('VIEWER') };

/** Root fields that a user whose password was reset may still call. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['Query.me', 'Mutation.changePassword', 'Mutation.logout', 'Mutation.logoutAll']);

const passwordIsCurrent = rule('passwordIsCurrent', { cache: 'contextual' })((_parent, _args, context: GraphQLContext) => {
  const { principal } = context;
  if (principal.kind === 'user' && principal.mustChangePassword) {
    return new ForbiddenError('Forbidden: your password was reset; set a new one with changePassword first');
  }
  return true;
});

function isRootField(field: string): boolean {
  return /^(Query|Mutation|Subscription)\./.test(field);
}

function ruleFor(requirement: AccessRequirement, field: string) {
  switch (requirement.kind) {
    case 'public':
    case 'inherited':
      return allow;
    case 'collector':
      return isCollector;
    case 'role':
      return !isRootField(field) || ALLOWED_BEFORE_PASSWORD_CHANGE.has(field)
        ? roleRules[requirement.role]
        : and(roleRules[requirement.role], passwordIsCurrent);
  }
}

/**
 * Builds the graphql-shield middleware from the access directives in the
 * schema, followed on each field by its rate limit rules. A user whose
 * password was reset passes only the root fields in
 * ALLOWED_BEFORE_PASSWORD_CHANGE (and the fields of their results). `chain`
 * stops at the first failure, so a denied call is not counted against a
 * limit. Fields absent from the rule tree fall back to deny. External errors
 * are allowed through so that resolver errors keep their codes instead of
 * becoming "Not Authorised!".
 */
export function buildPermissions(schema: GraphQLSchema, rateLimits: Record<string, Record<string, IRule[]>> = {}) {
  const requirements = readAccessRequirements(schema);
  const tree: IRules = {};
  for (const [typeName, fields] of Object.entries(requirements)) {
    tree[typeName] = Object.fromEntries(
      Object.entries(fields).map(([fieldName, requirement]) => {
        const limits = rateLimits[typeName]?.[fieldName] ?? [];
        const access = ruleFor(requirement, `${typeName}.${fieldName}`);
        return [fieldName, limits.length > 0 ? chain(access, ...limits) : access];
      }),
    );
  }

  return shield(tree, {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('Forbidden: this field has no access rule'),
    allowExternalErrors: true,
    debug: false,
  });
}
