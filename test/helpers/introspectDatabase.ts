import type { SqlRunner } from '../../src/db/sqlRunner.js';

// Reads the tables, columns, keys, indexes and enums of the current schema
// (the first schema in search_path) from pg_catalog, in a shape that
// expectedDatabaseShape can also produce from schema.prisma.

export interface ColumnShape {
  name: string;
  /** format_type() spelling, such as `character varying(64)`, or `enum:<name>` for enum types. */
  type: string;
  nullable: boolean;
  /** Default expression normalized by normalizeDefault, or null. */
  default: string | null;
}

export interface IndexShape {
  name: string;
  /** Key columns in index order, with ` DESC` appended where descending. */
  columns: string[];
  unique: boolean;
  method: string;
  /** WHERE clause of a partial index as pg_get_expr() prints it, or null. */
  predicate: string | null;
}

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  /** Prisma's names: Cascade, Restrict, NoAction, SetNull or SetDefault. */
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface DatabaseShape {
  tables: TableShape[];
  enums: Array<{ name: string; values: string[] }>;
}

/** Table of the migrator, which schema.prisma does not describe. */
export const MIGRATIONS_TABLE = '_prisma_migrations';

const ACTION_NAMES: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

const TABLES_SQL = `
  SELECT c.relname::text AS table_name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`;

const COLUMNS_SQL = `
  SELECT c.relname::text AS table_name, a.attname::text AS column_name,
         format_type(a.atttypid, a.atttypmod) AS formatted_type,
         t.typtype::text AS type_kind, t.typname::text AS type_name,
         et.typtype::text AS element_kind, et.typname::text AS element_name,
         NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_expression
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

const CONSTRAINTS_SQL = `
  SELECT con.contype::text AS kind, con.conname::text AS name, cl.relname::text AS table_name,
         ref.relname::text AS referenced_table, con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
         a.attname::text AS column_name, ra.attname::text AS referenced_column
  FROM pg_constraint con
  JOIN pg_class cl ON cl.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = con.connamespace
  LEFT JOIN pg_class ref ON ref.oid = con.confrelid
  CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, referenced_attnum, position)
  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
  LEFT JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.referenced_attnum
  WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f')
  ORDER BY cl.relname, con.conname, k.position`;

const INDEXES_SQL = `
  SELECT t.relname::text AS table_name, i.relname::text AS index_name, ix.indisunique AS is_unique,
         am.amname::text AS method, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
         a.attname::text AS column_name, (k.option & 1) = 1 AS descending
  FROM pg_index ix
  JOIN pg_class i ON i.oid = ix.indexrelid
  JOIN pg_class t ON t.oid = ix.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  CROSS JOIN LATERAL unnest(ix.indkey::int2[], ix.indoption::int2[]) WITH ORDINALITY AS k(attnum, option, position)
  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
  WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND k.position <= ix.indnkeyatts
  ORDER BY t.relname, i.relname, k.position`;

const ENUMS_SQL = `
  SELECT t.typname::text AS enum_name, e.enumlabel::text AS label
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = current_schema()
  ORDER BY t.typname, e.enumsortorder`;

interface ColumnRow {
  table_name: string;
  column_name: string;
  formatted_type: string;
  type_kind: string;
  type_name: string;
  element_kind: string | null;
  element_name: string | null;
  nullable: boolean;
  default_expression: string | null;
}

interface ConstraintRow {
  kind: 'p' | 'f';
  name: string;
  table_name: string;
  referenced_table: string | null;
  on_delete: string;
  on_update: string;
  column_name: string;
  referenced_column: string | null;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  method: string;
  predicate: string | null;
  column_name: string | null;
  descending: boolean | null;
}

/** Reads the shape of every table in the current schema except the migrations table. */
export async function introspectDatabase(runner: SqlRunner): Promise<DatabaseShape> {
  const tableNames = (await runner.query<{ table_name: string }>(TABLES_SQL))
    .map((row) => row.table_name)
    .filter((name) => name !== MIGRATIONS_TABLE)
    .sort();
  const tables = new Map<string, TableShape>(
    tableNames.map((name) => [name, { name, columns: [], primaryKey: null, indexes: [], foreignKeys: [] }]),
  );

  for (const row of await runner.query<ColumnRow>(COLUMNS_SQL)) {
    tables.get(row.table_name)?.columns.push({
      name: row.column_name,
      type: columnType(row),
      nullable: row.nullable,
      default: normalizeDefault(row.default_expression),
    });
  }
  addConstraints(tables, await runner.query<ConstraintRow>(CONSTRAINTS_SQL));
  addIndexes(tables, await runner.query<IndexRow>(INDEXES_SQL));

  const enums = new Map<string, string[]>();
  for (const row of await runner.query<{ enum_name: string; label: string }>(ENUMS_SQL)) {
    enums.set(row.enum_name, [...(enums.get(row.enum_name) ?? []), row.label]);
  }
  return { tables: [...tables.values()], enums: [...enums].map(([name, values]) => ({ name, values })) };
}

/**
 * Brings a default expression to one spelling: drops the cast PostgreSQL adds
 * to literals and writes now() as CURRENT_TIMESTAMP, which Prisma treats as equal.
 */
export function normalizeDefault(expression: string | null): string | null {
  if (expression === null) {
    return null;
  }
  const literal = /^('(?:[^']|'')*')::[^']+$/.exec(expression)?.[1] ?? expression;
  const unquotedNumber = /^'(-?\d+(?:\.\d+)?)'$/.exec(literal)?.[1];
  if (unquotedNumber !== undefined) {
    return unquotedNumber;
  }
  return literal === 'now()' ? 'CURRENT_TIMESTAMP' : literal;
}

function columnType(row: ColumnRow): string {
  if (row.type_kind === 'e') {
    return `enum:${row.type_name}`;
  }
  if (row.element_kind === 'e') {
    return `enum:${row.element_name}[]`;
  }
  return row.formatted_type;
}

function addConstraints(tables: Map<string, TableShape>, rows: ConstraintRow[]): void {
  for (const row of rows) {
    const table = tables.get(row.table_name);
    if (table === undefined) {
      continue;
    }
    if (row.kind === 'p') {
      table.primaryKey ??= { name: row.name, columns: [] };
      table.primaryKey.columns.push(row.column_name);
      continue;
    }
    let foreignKey = table.foreignKeys.find((candidate) => candidate.name === row.name);
    if (foreignKey === undefined) {
      foreignKey = {
        name: row.name,
        columns: [],
        referencedTable: row.referenced_table ?? '',
        referencedColumns: [],
        onDelete: ACTION_NAMES[row.on_delete] ?? row.on_delete,
        onUpdate: ACTION_NAMES[row.on_update] ?? row.on_update,
      };
      table.foreignKeys.push(foreignKey);
    }
    foreignKey.columns.push(row.column_name);
    foreignKey.referencedColumns.push(row.referenced_column ?? '');
  }
}

function addIndexes(tables: Map<string, TableShape>, rows: IndexRow[]): void {
  for (const row of rows) {
    const table = tables.get(row.table_name);
    if (table === undefined) {
      continue;
    }
    let index = table.indexes.find((candidate) => candidate.name === row.index_name);
    if (index === undefined) {
      index = { name: row.index_name, columns: [], unique: row.is_unique, method: row.method, predicate: row.predicate };
      table.indexes.push(index);
    }
    const column = row.column_name ?? '(expression)';
    index.columns.push(row.descending ? `${column} DESC` : column);
  }
}
