import { normalizeDefault, type ColumnShape, type DatabaseShape, type TableShape } from './introspectDatabase.js';
import { columnFields, type PrismaField, type PrismaModel, type PrismaSchema } from './prismaSchema.js';

// The database that Prisma Migrate would create from a parsed schema.prisma,
// following Prisma's PostgreSQL conventions: default constraint and index
// names, column types per native type, and which defaults live in the
// database rather than in the client.

/** PostgreSQL truncates longer identifiers, and Prisma shortens such names by rules this checker does not copy. */
const MAX_IDENTIFIER_LENGTH = 63;

/** format_type() spelling of each supported Prisma type and native type, keyed `Type` or `Type@NativeType`. */
const COLUMN_TYPES: Record<string, (args: number[]) => string> = {
  String: () => 'text',
  'String@Text': () => 'text',
  'String@Uuid': () => 'uuid',
  'String@VarChar': (args) => withArguments('character varying', args),
  'String@Char': (args) => withArguments('character', args),
  Int: () => 'integer',
  'Int@Integer': () => 'integer',
  'Int@SmallInt': () => 'smallint',
  BigInt: () => 'bigint',
  'BigInt@BigInt': () => 'bigint',
  Float: () => 'double precision',
  'Float@DoublePrecision': () => 'double precision',
  'Float@Real': () => 'real',
  Boolean: () => 'boolean',
  'Boolean@Boolean': () => 'boolean',
  DateTime: () => 'timestamp(3) without time zone',
  'DateTime@Timestamp': (args) => `timestamp${argumentList(args)} without time zone`,
  'DateTime@Timestamptz': (args) => `timestamp${argumentList(args)} with time zone`,
  'DateTime@Date': () => 'date',
  Decimal: () => 'numeric(65,30)',
  'Decimal@Decimal': (args) => withArguments('numeric', args),
  Json: () => 'jsonb',
  'Json@JsonB': () => 'jsonb',
  Bytes: () => 'bytea',
  'Bytes@ByteA': () => 'bytea',
};

/** Returns the tables and enums that Prisma Migrate would create for `schema`. */
export function expectedDatabaseShape(schema: PrismaSchema): DatabaseShape {
  const modelsByName = new Map(schema.models.map((model) => [model.name, model]));
  return {
    tables: schema.models.map((model) => expectedTable(model, modelsByName)).sort((a, b) => compareNames(a.name, b.name)),
    enums: schema.enums
      .map((prismaEnum) => ({ name: prismaEnum.mappedName ?? prismaEnum.name, values: prismaEnum.values }))
      .sort((a, b) => compareNames(a.name, b.name)),
  };
}

function expectedTable(model: PrismaModel, modelsByName: Map<string, PrismaModel>): TableShape {
  const table = tableName(model);
  const scalarFields = model.fields.filter((field) => field.kind !== 'relation');
  const idFields = model.compoundId ? columnFields(model, model.compoundId) : scalarFields.filter((field) => field.isId);

  const uniques = [...scalarFields.filter((field) => field.isUnique).map((field) => [field]), ...model.uniques.map((names) => columnFields(model, names))];
  const indexes = model.indexes.map((names) => columnFields(model, names));

  return {
    name: table,
    columns: scalarFields.map(expectedColumn),
    primaryKey: { name: constraintName(table, [], 'pkey'), columns: idFields.map(columnName) },
    indexes: [
      ...uniques.map((fields) => expectedIndex(table, fields, true)),
      ...indexes.map((fields) => expectedIndex(table, fields, false)),
    ],
    foreignKeys: model.fields
      .filter((field) => field.relation !== undefined && field.relation.fields.length > 0)
      .map((field) => expectedForeignKey(model, field, modelsByName)),
  };
}

function expectedColumn(field: PrismaField): ColumnShape {
  return {
    name: columnName(field),
    type: `${baseColumnType(field)}${field.isList ? '[]' : ''}`,
    // Prisma Migrate creates list columns without NOT NULL.
    nullable: field.isOptional || field.isList,
    default: normalizeDefault(expectedDefault(field)),
  };
}

function baseColumnType(field: PrismaField): string {
  if (field.kind === 'enum') {
    return `enum:${field.type}`;
  }
  const key = field.nativeType ? `${field.type}@${field.nativeType.name}` : field.type;
  const render = COLUMN_TYPES[key];
  if (render === undefined) {
    throw new Error(`expectedDatabaseShape does not know the PostgreSQL type of ${field.name} ${key.replace('@', ' @db.')}; add it to COLUMN_TYPES`);
  }
  return render(field.nativeType?.args ?? []);
}

/** uuid() and @updatedAt values come from Prisma Client, so they have no database default. */
function expectedDefault(field: PrismaField): string | null {
  const value = field.default;
  if (value === undefined || value.kind === 'uuid') {
    return null;
  }
  if (value.kind === 'now') {
    return 'CURRENT_TIMESTAMP';
  }
  if (value.kind === 'string' || value.kind === 'enumValue') {
    return `'${value.value.replaceAll("'", "''")}'`;
  }
  return String(value.value);
}

function expectedIndex(table: string, fields: PrismaField[], unique: boolean): TableShape['indexes'][number] {
  const columns = fields.map(columnName);
  return { name: constraintName(table, columns, unique ? 'key' : 'idx'), columns, unique, method: 'btree', predicate: null };
}

function expectedForeignKey(model: PrismaModel, field: PrismaField, modelsByName: Map<string, PrismaModel>): TableShape['foreignKeys'][number] {
  const relation = field.relation;
  const target = modelsByName.get(field.type);
  if (relation === undefined || target === undefined) {
    throw new Error(`${model.name}.${field.name} is not a relation with fields`);
  }
  const fields = columnFields(model, relation.fields);
  const columns = fields.map(columnName);
  // Prisma's documented defaults (Referential actions page): onDelete SetNull for an optional relation,
  // Restrict for a required one, and onUpdate Cascade.
  const defaultOnDelete = fields.some((scalar) => scalar.isOptional) ? 'SetNull' : 'Restrict';
  return {
    name: constraintName(tableName(model), columns, 'fkey'),
    columns,
    referencedTable: tableName(target),
    referencedColumns: columnFields(target, relation.references).map(columnName),
    onDelete: relation.onDelete ?? defaultOnDelete,
    onUpdate: relation.onUpdate ?? 'Cascade',
  };
}

function constraintName(table: string, columns: string[], suffix: string): string {
  const name = [table, ...columns, suffix].join('_');
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    throw new Error(`Default name ${name} is longer than ${MAX_IDENTIFIER_LENGTH} characters. Give it a shorter name with map: and teach expectedDatabaseShape that argument.`);
  }
  return name;
}

function tableName(model: PrismaModel): string {
  return model.mappedName ?? model.name;
}

function columnName(field: PrismaField): string {
  return field.mappedName ?? field.name;
}

function withArguments(type: string, args: number[]): string {
  return `${type}${argumentList(args)}`;
}

function argumentList(args: number[]): string {
  return args.length > 0 ? `(${args.join(',')})` : '';
}

/** Orders by UTF-16 code units, like Array.prototype.sort() in introspectDatabase. */
function compareNames(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}
