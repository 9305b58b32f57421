import { applyFieldAttribute, applyModelAttribute, stringArgument } from './prismaSchemaAttributes.js';
import { SchemaSyntaxError, stripComment, TokenStream } from './prismaSchemaTokens.js';

// Parser for the subset of the Prisma schema language that prisma/schema.prisma
// uses. Anything outside the subset raises SchemaSyntaxError, so that the drift
// check fails on new syntax instead of silently ignoring it.

export { SchemaSyntaxError } from './prismaSchemaTokens.js';

export const SCALAR_TYPES = ['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes'];
export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export type DefaultValue =
  | { kind: 'uuid' }
  | { kind: 'now' }
  | { kind: 'string'; value: string }
  | { kind: 'enumValue'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean };

export interface PrismaField {
  name: string;
  type: string;
  /** Resolved after all blocks are read: a built-in scalar, an enum or another model. */
  kind: 'scalar' | 'enum' | 'relation';
  isOptional: boolean;
  isList: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  mappedName?: string;
  default?: DefaultValue;
  /** `@db.VarChar(64)` gives { name: 'VarChar', args: [64] }. */
  nativeType?: { name: string; args: number[] };
  relation?: { fields: string[]; references: string[]; onDelete?: ReferentialAction; onUpdate?: ReferentialAction };
}

export interface PrismaModel {
  name: string;
  mappedName?: string;
  fields: PrismaField[];
  compoundId?: string[];
  uniques: string[][];
  indexes: string[][];
}

export interface PrismaEnum {
  name: string;
  mappedName?: string;
  values: string[];
}

export interface PrismaSchema {
  models: PrismaModel[];
  enums: PrismaEnum[];
}

interface Line {
  text: string;
  number: number;
}

const BLOCK_HEADER = /^(model|enum|generator|datasource)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{$/;

/** Parses `source` and checks that every type, field and enum value it names exists. */
export function parsePrismaSchema(source: string): PrismaSchema {
  const lines = source.split(/\r?\n/).map((text, index) => ({ text: stripComment(text).trim(), number: index + 1 }));
  const schema: PrismaSchema = { models: [], enums: [] };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as Line;
    if (line.text === '') {
      continue;
    }
    const header = BLOCK_HEADER.exec(line.text);
    if (header === null) {
      throw new SchemaSyntaxError(line.number, `expected a model, enum, generator or datasource block, found "${line.text}"`);
    }
    const end = lines.findIndex((candidate, candidateIndex) => candidateIndex > index && candidate.text === '}');
    if (end === -1) {
      throw new SchemaSyntaxError(line.number, `block ${header[2]} has no closing "}"`);
    }
    const body = lines.slice(index + 1, end).filter((bodyLine) => bodyLine.text !== '');
    const blockType = header[1] ?? '';
    const name = header[2] ?? '';
    if (blockType === 'model') {
      schema.models.push(parseModel(name, body));
    } else if (blockType === 'enum') {
      schema.enums.push(parseEnum(name, body));
    } else {
      parseSettings(blockType, body);
    }
    index = end;
  }

  resolveSchema(schema);
  return schema;
}

function parseModel(name: string, body: Line[]): PrismaModel {
  const model: PrismaModel = { name, fields: [], uniques: [], indexes: [] };
  for (const line of body) {
    const stream = new TokenStream(line.text, line.number);
    if (line.text.startsWith('@@')) {
      applyModelAttribute(model, stream.parseAttribute('@@'), stream.line);
    } else {
      model.fields.push(parseField(stream));
    }
    if (!stream.atEnd()) {
      stream.fail('expected end of line');
    }
  }
  return model;
}

function parseField(stream: TokenStream): PrismaField {
  const field: PrismaField = {
    name: stream.expectIdentifier(),
    type: stream.expectIdentifier(),
    kind: 'scalar',
    isOptional: false,
    isList: false,
    isId: false,
    isUnique: false,
    isUpdatedAt: false,
  };
  if (stream.accept('?')) {
    field.isOptional = true;
  } else if (stream.accept('[')) {
    stream.expect(']');
    field.isList = true;
  }

  const seen = new Set<string>();
  while (!stream.atEnd()) {
    const attribute = stream.parseAttribute('@');
    if (seen.has(attribute.name)) {
      throw new SchemaSyntaxError(stream.line, `@${attribute.name} appears twice on field ${field.name}`);
    }
    seen.add(attribute.name);
    applyFieldAttribute(field, attribute, stream.line);
  }
  return field;
}

function parseEnum(name: string, body: Line[]): PrismaEnum {
  const result: PrismaEnum = { name, values: [] };
  for (const line of body) {
    const stream = new TokenStream(line.text, line.number);
    if (line.text.startsWith('@@')) {
      const attribute = stream.parseAttribute('@@');
      if (attribute.name !== 'map') {
        throw new SchemaSyntaxError(line.number, `enum attribute @@${attribute.name} is not supported by this parser`);
      }
      result.mappedName = stringArgument(attribute, line.number);
    } else {
      result.values.push(stream.expectIdentifier());
    }
    if (!stream.atEnd()) {
      stream.fail('expected end of line (enum value attributes are not supported by this parser)');
    }
  }
  return result;
}

/** Checks `key = value` lines, and that the datasource is PostgreSQL, which the drift check assumes. */
function parseSettings(blockType: string, body: Line[]): void {
  for (const line of body) {
    const setting = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S.*)$/.exec(line.text);
    if (setting === null) {
      throw new SchemaSyntaxError(line.number, `expected "key = value" in the ${blockType} block`);
    }
    if (blockType === 'datasource' && setting[1] === 'provider' && setting[2] !== '"postgresql"') {
      throw new SchemaSyntaxError(line.number, `provider ${setting[2]} is not supported, expected "postgresql"`);
    }
  }
}

/** Resolves each field's kind and checks the names that types and attributes refer to. */
function resolveSchema(schema: PrismaSchema): void {
  const enumsByName = new Map(schema.enums.map((prismaEnum) => [prismaEnum.name, prismaEnum]));
  const modelsByName = new Map(schema.models.map((model) => [model.name, model]));

  for (const model of schema.models) {
    for (const field of model.fields) {
      field.kind = SCALAR_TYPES.includes(field.type) ? 'scalar' : enumsByName.has(field.type) ? 'enum' : 'relation';
      if (field.kind === 'relation' && !modelsByName.has(field.type)) {
        throw new Error(`schema.prisma: ${model.name}.${field.name} has unknown type ${field.type}`);
      }
      checkFieldAttributes(model, field, enumsByName.get(field.type));
    }
    for (const field of model.fields.filter((candidate) => candidate.relation !== undefined)) {
      checkRelation(model, field, modelsByName);
    }

    const idFields = model.fields.filter((field) => field.isId);
    if (idFields.length + (model.compoundId ? 1 : 0) !== 1) {
      throw new Error(`schema.prisma: model ${model.name} needs exactly one @id field or one @@id`);
    }
    for (const names of [model.compoundId ?? [], ...model.uniques, ...model.indexes]) {
      columnFields(model, names);
    }
  }
}

function checkFieldAttributes(model: PrismaModel, field: PrismaField, prismaEnum: PrismaEnum | undefined): void {
  const where = `schema.prisma: ${model.name}.${field.name}`;
  const isRelation = field.kind === 'relation';
  if (isRelation && (field.mappedName || field.default || field.nativeType || field.isId || field.isUnique || field.isUpdatedAt)) {
    throw new Error(`${where} is a relation field, so only @relation is allowed on it`);
  }
  if (!isRelation && field.relation) {
    throw new Error(`${where} has @relation but its type ${field.type} is not a model`);
  }
  if (field.kind === 'enum' && field.nativeType) {
    throw new Error(`${where} is an enum field and cannot have @db.${field.nativeType.name}`);
  }
  if (field.default?.kind === 'enumValue' && !prismaEnum?.values.includes(field.default.value)) {
    throw new Error(`${where} has default ${field.default.value}, which is not a value of type ${field.type}`);
  }
  if (field.isUpdatedAt && field.type !== 'DateTime') {
    throw new Error(`${where} has @updatedAt but is not a DateTime`);
  }
}

/** Checks the forward side of a relation, whose table gets the foreign key. */
function checkRelation(model: PrismaModel, field: PrismaField, modelsByName: Map<string, PrismaModel>): void {
  const relation = field.relation;
  const target = modelsByName.get(field.type);
  if (!relation || !target) {
    return;
  }
  if (relation.fields.length === 0 || relation.fields.length !== relation.references.length) {
    throw new Error(`schema.prisma: ${model.name}.${field.name} needs @relation with fields and references of equal length`);
  }
  columnFields(model, relation.fields);
  columnFields(target, relation.references);
}

/** Returns the scalar or enum fields named by `names`, raising an error for any other name. */
export function columnFields(model: PrismaModel, names: string[]): PrismaField[] {
  return names.map((name) => {
    const field = model.fields.find((candidate) => candidate.name === name);
    if (field === undefined || field.kind === 'relation') {
      throw new Error(`schema.prisma: model ${model.name} has no scalar field ${name}`);
    }
    return field;
  });
}
