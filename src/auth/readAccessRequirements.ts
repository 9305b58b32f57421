import { getDirective } from '@graphql-tools/utils';
import { isObjectType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Role } from '../generated/prisma/enums.js';

/** Access rule of one field, as declared by its access directive. */
export type AccessRequirement =
  | { kind: 'public' }
  | { kind: 'collector' }
  | { kind: 'role'; role: Role }
  /** No directive on a nested field: the parent field's check already ran. */
  | { kind: 'inherited' };

/** Requirements by type name, then field name. */
export type AccessRequirements = Record<string, Record<string, AccessRequirement>>;

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

export class MissingAccessDirectiveError extends Error {
  override name = 'MissingAccessDirectiveError';
}

function directiveOn(
  schema: GraphQLSchema,
  node: GraphQLObjectType | GraphQLField<unknown, unknown>,
): AccessRequirement | undefined {
  const found: AccessRequirement[] = [];
  if (getDirective(schema, node, 'public')?.length) {
    found.push({ kind: 'public' });
  }
  if (getDirective(schema, node, 'collector')?.length) {
    found.push({ kind: 'collector' });
  }
  const auth = getDirective(schema, node, 'auth')?.[0];
  if (auth) {
    found.push({ kind: 'role', role: (auth['requires'] ?? 'VIEWER') as Role });
  }
  if (found.length > 1) {
    throw new MissingAccessDirectiveError(`${node.name} has more than one access directive`);
  }
  return found[0];
}

/**
 * Reads @public, @collector and @auth from the schema. A field's own
 * directive wins over its type's @auth. Throws when a root field has none,
 * so that a new operation cannot ship unguarded.
 */
export function readAccessRequirements(schema: GraphQLSchema): AccessRequirements {
  const requirements: AccessRequirements = {};
  const missing: string[] = [];

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) {
      continue;
    }
    const isRoot = ROOT_TYPES.includes(type.name);
    const typeRequirement = directiveOn(schema, type);
    const fields: Record<string, AccessRequirement> = {};

    for (const [name, field] of Object.entries(type.getFields())) {
      const requirement = directiveOn(schema, field) ?? typeRequirement;
      if (requirement === undefined && isRoot) {
        missing.push(`${type.name}.${name}`);
      }
      fields[name] = requirement ?? { kind: 'inherited' };
    }
    requirements[type.name] = fields;
  }

  if (missing.length > 0) {
    throw new MissingAccessDirectiveError(
      `these root fields have no access directive (@public, @collector or @auth): ${missing.join(', ')}`,
    );
  }
  return requirements;
}
