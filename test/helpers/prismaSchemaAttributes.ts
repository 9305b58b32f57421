import { SchemaSyntaxError, type Attribute, type Expression } from './prismaSchemaTokens.js';
import type { DefaultValue, PrismaField, PrismaModel, ReferentialAction } from './prismaSchema.js';

// Meaning of the field and model attributes that the schema parser accepts.
// Every other attribute, and every other argument, raises SchemaSyntaxError.

const REFERENTIAL_ACTIONS: ReferentialAction[] = ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault'];

export function applyFieldAttribute(field: PrismaField, attribute: Attribute, line: number): void {
  const { name, args } = attribute;
  if (name === 'id' || name === 'unique' || name === 'updatedAt') {
    requireArgumentCount(attribute, 0, line);
    field.isId ||= name === 'id';
    field.isUnique ||= name === 'unique';
    field.isUpdatedAt ||= name === 'updatedAt';
  } else if (name === 'map') {
    field.mappedName = stringArgument(attribute, line);
  } else if (name === 'default') {
    requireArgumentCount(attribute, 1, line);
    field.default = parseDefault(args[0]?.value, line);
  } else if (name === 'relation') {
    field.relation = parseRelation(attribute, line);
  } else if (name.startsWith('db.')) {
    const values = args.map((arg) => (arg.name === undefined && arg.value.kind === 'number' ? arg.value.value : NaN));
    if (values.some(Number.isNaN)) {
      throw new SchemaSyntaxError(line, `@${name} accepts only positional numbers here`);
    }
    field.nativeType = { name: name.slice(3), args: values };
  } else {
    throw new SchemaSyntaxError(line, `field attribute @${name} is not supported by this parser`);
  }
}

function parseDefault(value: Expression | undefined, line: number): DefaultValue {
  if (value?.kind === 'call' && (value.name === 'uuid' || value.name === 'now') && value.args.length === 0) {
    return { kind: value.name };
  }
  if (value?.kind === 'string' || value?.kind === 'number') {
    return value.kind === 'string' ? { kind: 'string', value: value.value } : { kind: 'number', value: value.value };
  }
  if (value?.kind === 'constant') {
    const isBoolean = value.value === 'true' || value.value === 'false';
    return isBoolean ? { kind: 'boolean', value: value.value === 'true' } : { kind: 'enumValue', value: value.value };
  }
  throw new SchemaSyntaxError(line, '@default supports only uuid(), now(), strings, numbers, booleans and enum values here');
}

function parseRelation(attribute: Attribute, line: number): NonNullable<PrismaField['relation']> {
  const relation: NonNullable<PrismaField['relation']> = { fields: [], references: [] };
  for (const { name, value } of attribute.args) {
    if (name === 'fields' || name === 'references') {
      relation[name] = nameList(value, line);
    } else if ((name === 'onDelete' || name === 'onUpdate') && value.kind === 'constant') {
      relation[name] = referentialAction(value.value, line);
    } else {
      throw new SchemaSyntaxError(line, `@relation argument ${name ?? '(positional)'} is not supported by this parser`);
    }
  }
  return relation;
}

export function applyModelAttribute(model: PrismaModel, attribute: Attribute, line: number): void {
  const { name } = attribute;
  if (name === 'map') {
    model.mappedName = stringArgument(attribute, line);
    return;
  }
  if (name !== 'id' && name !== 'unique' && name !== 'index') {
    throw new SchemaSyntaxError(line, `model attribute @@${name} is not supported by this parser`);
  }

  requireArgumentCount(attribute, 1, line);
  const argument = attribute.args[0];
  if (argument?.name !== undefined && argument.name !== 'fields') {
    throw new SchemaSyntaxError(line, `@@${name} argument ${argument.name} is not supported by this parser`);
  }
  const fields = nameList(argument?.value, line);
  if (name === 'id') {
    model.compoundId = fields;
  } else if (name === 'unique') {
    model.uniques.push(fields);
  } else {
    model.indexes.push(fields);
  }
}

function requireArgumentCount(attribute: Attribute, count: number, line: number): void {
  if (attribute.args.length !== count) {
    throw new SchemaSyntaxError(line, `@${attribute.name} takes ${count} argument(s) in this parser, found ${attribute.args.length}`);
  }
}

export function stringArgument(attribute: Attribute, line: number): string {
  requireArgumentCount(attribute, 1, line);
  const argument = attribute.args[0];
  if (argument?.value.kind !== 'string' || (argument.name !== undefined && argument.name !== 'name')) {
    throw new SchemaSyntaxError(line, `@${attribute.name} expects one string`);
  }
  return argument.value.value;
}

function nameList(value: Expression | undefined, line: number): string[] {
  if (value?.kind !== 'array' || value.items.some((item) => item.kind !== 'constant')) {
    throw new SchemaSyntaxError(line, 'expected a list of field names such as [a, b]');
  }
  return value.items.map((item) => (item.kind === 'constant' ? item.value : ''));
}

function referentialAction(value: string, line: number): ReferentialAction {
  const action = REFERENTIAL_ACTIONS.find((candidate) => candidate === value);
  if (action === undefined) {
    throw new SchemaSyntaxError(line, `unknown referential action ${value}`);
  }
  return action;
}

