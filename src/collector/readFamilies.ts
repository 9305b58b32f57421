import type pg from 'pg';
import { selectFamilySql, STATEMENTS_SCHEMA_SQL } from './familySql.js';
import type {
  CheckpointerStatsWire,
  FamiliesWire,
  IndexStatsWire,
  ReplicationSlotWire,
  SnapshotFamilyName,
  StatementStatsWire,
  TableStatsWire,
  WalStatsWire,
} from './snapshotWire.js';

export interface FamilyOptions {
  versionNum: number;
  /** Query for the WAL position that WAL and slot figures count from. */
  walPositionSql: string;
  statementsLimit: number;
  statementsQueryText: boolean;
  relationsLimit: number;
  /** Families that the API settings switch off: not queried, not sent, and not listed as skipped. */
  disabled: ReadonlySet<string>;
}

/** A family that cannot be read for a reason other than a PostgreSQL error, such as a missing extension. */
class FamilyUnavailable extends Error {}

const MAX_REASON_LENGTH = 1000;

/**
 * Reads the optional families inside the caller's transaction. Each one runs
 * in its own savepoint, so a family that PostgreSQL rejects (missing
 * extension, no permission, statement timeout) is rolled back, listed in
 * skippedFamilies with the error, and the others are still read. Errors
 * without a SQLSTATE, such as a lost connection, are rethrown.
 */
export async function readFamilies(client: pg.ClientBase, options: FamilyOptions): Promise<FamiliesWire> {
  const sql = selectFamilySql(options.versionNum);
  const families: FamiliesWire = {};
  const skipped: NonNullable<FamiliesWire['skippedFamilies']> = [];
  const { position } = (await client.query<{ position: string | null }>(options.walPositionSql)).rows[0] ?? { position: null };

  const read = async (family: SnapshotFamilyName, step: () => Promise<void>) => {
    if (options.disabled.has(family)) {
      return;
    }
    const reason = await runFamily(client, step);
    if (reason !== undefined) {
      skipped.push({ family, reason: reason.slice(0, MAX_REASON_LENGTH) });
    }
  };

  await read('STATEMENTS', async () => {
    families.statements = await readStatements(client, sql.statements, options);
  });
  await read('TABLES', async () => {
    families.tables = (await client.query<TableStatsWire>(sql.tables, [options.relationsLimit])).rows;
  });
  await read('INDEXES', async () => {
    families.indexes = (await client.query<IndexStatsWire>(sql.indexes, [options.relationsLimit])).rows;
  });
  await read('CHECKPOINTER', async () => {
    families.checkpointer = (await client.query<CheckpointerStatsWire>(sql.checkpointer)).rows[0];
  });
  await read('WAL', async () => {
    // A standby that has neither received nor replayed WAL yet has no position.
    if (position === null) {
      throw new FamilyUnavailable('no WAL position is available on this server yet');
    }
    families.wal = (await client.query<WalStatsWire>(sql.wal, [position])).rows[0];
  });
  await read('REPLICATION_SLOTS', async () => {
    families.replicationSlots = (await client.query<ReplicationSlotWire>(sql.replicationSlots, [position])).rows;
  });

  if (skipped.length > 0) {
    families.skippedFamilies = skipped;
  }
  return families;
}

async function readStatements(
  client: pg.ClientBase,
  statementsSql: (schema: string) => string,
  options: FamilyOptions,
): Promise<StatementStatsWire[]> {
  const found = await client.query<{ schema: string }>(STATEMENTS_SCHEMA_SQL);
  const schema = found.rows[0]?.schema;
  if (schema === undefined) {
    const database = (await client.query<{ name: string }>('SELECT current_database() AS "name"')).rows[0]?.name;
    throw new FamilyUnavailable(`the pg_stat_statements extension is not installed in database "${database}"`);
  }
  const result = await client.query<StatementStatsWire>(statementsSql(schema), [options.statementsLimit, options.statementsQueryText]);
  return result.rows;
}

/** Runs one family in a savepoint; returns the reason it was skipped, or undefined when it was read. */
async function runFamily(client: pg.ClientBase, step: () => Promise<void>): Promise<string | undefined> {
  await client.query('SAVEPOINT snapshot_family');
  try {
    await step();
    await client.query('RELEASE SAVEPOINT snapshot_family');
    return undefined;
  } catch (error) {
    const sqlState = sqlStateOf(error);
    if (!(error instanceof FamilyUnavailable) && sqlState === undefined) {
      throw error;
    }
    await client.query('ROLLBACK TO SAVEPOINT snapshot_family');
    await client.query('RELEASE SAVEPOINT snapshot_family');
    return sqlState === undefined ? (error as Error).message : `SQLSTATE ${sqlState}: ${(error as Error).message}`;
  }
}

function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'string') {
    return undefined;
  }
  return /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
}
