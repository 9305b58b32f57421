import type { ColumnShape, DatabaseShape, ForeignKeyShape, IndexShape, TableShape } from './introspectDatabase.js';

// Compares the database that schema.prisma implies with the one the
// migrations built, and describes each difference in one line.

/**
 * Returns one line per difference between `expected` and `actual`, such as
 * `table alerts: column subject: type is text, expected character varying(300)`.
 * An empty list means the two match.
 */
export function diffDatabaseShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const differences: string[] = [];

  diffNamed(expected.enums, actual.enums, 'enum', differences, (expectedEnum, actualEnum) =>
    differs('values', actualEnum.values, expectedEnum.values),
  );

  for (const name of namesOf(expected.tables, actual.tables)) {
    const expectedTable = expected.tables.find((table) => table.name === name);
    const actualTable = actual.tables.find((table) => table.name === name);
    if (actualTable === undefined) {
      differences.push(`missing table ${name}`);
    } else if (expectedTable === undefined) {
      differences.push(`unexpected table ${name}`);
    } else {
      differences.push(...diffTable(expectedTable, actualTable).map((difference) => `table ${name}: ${difference}`));
    }
  }
  return differences;
}

function diffTable(expected: TableShape, actual: TableShape): string[] {
  const differences: string[] = [];

  diffNamed(expected.columns, actual.columns, 'column', differences, (expectedColumn: ColumnShape, actualColumn) => [
    ...differs('type', actualColumn.type, expectedColumn.type),
    ...differs('nullable', actualColumn.nullable, expectedColumn.nullable),
    ...differs('default', actualColumn.default, expectedColumn.default),
  ]);

  const expectedKey = expected.primaryKey;
  const actualKey = actual.primaryKey;
  if (JSON.stringify(expectedKey) !== JSON.stringify(actualKey)) {
    differences.push(`primary key is ${describeKey(actualKey)}, expected ${describeKey(expectedKey)}`);
  }

  diffNamed(expected.indexes, actual.indexes, 'index', differences, (expectedIndex: IndexShape, actualIndex) => [
    ...differs('columns', actualIndex.columns, expectedIndex.columns),
    ...differs('unique', actualIndex.unique, expectedIndex.unique),
    ...differs('method', actualIndex.method, expectedIndex.method),
    ...differs('predicate', actualIndex.predicate, expectedIndex.predicate),
  ]);

  diffNamed(expected.foreignKeys, actual.foreignKeys, 'foreign key', differences, (expectedKey: ForeignKeyShape, actualKey) => [
    ...differs('columns', actualKey.columns, expectedKey.columns),
    ...differs('referenced table', actualKey.referencedTable, expectedKey.referencedTable),
    ...differs('referenced columns', actualKey.referencedColumns, expectedKey.referencedColumns),
    ...differs('ON DELETE', actualKey.onDelete, expectedKey.onDelete),
    ...differs('ON UPDATE', actualKey.onUpdate, expectedKey.onUpdate),
  ]);

  return differences;
}

/** Matches items by name, reports missing and unexpected ones, and compares the pairs with `compare`. */
function diffNamed<T extends { name: string }>(
  expected: T[],
  actual: T[],
  label: string,
  differences: string[],
  compare: (expectedItem: T, actualItem: T) => string[],
): void {
  for (const name of namesOf(expected, actual)) {
    const expectedItem = expected.find((item) => item.name === name);
    const actualItem = actual.find((item) => item.name === name);
    if (actualItem === undefined) {
      differences.push(`missing ${label} ${name}`);
    } else if (expectedItem === undefined) {
      differences.push(`unexpected ${label} ${name}`);
    } else {
      differences.push(...compare(expectedItem, actualItem).map((difference) => `${label} ${name}: ${difference}`));
    }
  }
}

function differs(property: string, actual: unknown, expected: unknown): string[] {
  if (JSON.stringify(actual) === JSON.stringify(expected)) {
    return [];
  }
  return [`${property} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`];
}

function namesOf(expected: Array<{ name: string }>, actual: Array<{ name: string }>): string[] {
  return [...new Set([...expected, ...actual].map((item) => item.name))].sort();
}

function describeKey(key: TableShape['primaryKey']): string {
  return key === null ? 'missing' : `${key.name} (${key.columns.join(', ')})`;
}
