import type pg from 'pg';
import { readFamilies } from './readFamilies.js';
import type {
  ActivityWire,
  DatabaseStatsWire,
  LockCountWire,
  ReplicationStatsWire,
  SnapshotFamilyName,
  SnapshotWire,
} from './snapshotWire.js';
import {
  BEGIN_READ_ONLY_SQL,
  SET_STATEMENT_TIMEOUT_SQL,
  SERVER_SQL,
  SYSTEM_IDENTIFIER_SQL,
  DATABASES_SQL,
  DATABASE_SIZE_SQL,
  LOCKS_SQL,
  REPLICATION_SQL,
} from './snapshotSql.js';
import { selectSnapshotQueries } from './selectSnapshotQueries.js';

export interface ReadSnapshotOptions {
  collectorId: string;
  snapshotId: string;
  /** Host and port that name the server to the API. They are sent as given. */
  host: string;
  port: number;
  /** Replaces collectedAt, which is otherwise the database's now() at the start of the read. */
  now?: Date;
  /** Maximum run time of each statement in ms, set with SET LOCAL statement_timeout. */
  statementTimeoutMs?: number;
  /** Rows of pg_stat_statements sent, the highest total execution time first; default 100. */
  statementsLimit?: number;
  /** Whether statements carry their query text; default false. */
  statementsQueryText?: boolean;
  /** Tables and indexes sent, the largest first; default 200. */
  relationsLimit?: number;
  /**
   * Families that the API settings disable. Their queries do not run; a core
   * family is sent as an empty list, because PushMetricsInput requires it,
   * and an optional one is left out. ACTIVITY is always read.
   */
  disabledFamilies?: ReadonlySet<MetricFamilyName>;
}

/** The families that PushMetricsInput requires. */
export type CoreFamilyName = 'DATABASES' | 'ACTIVITY' | 'LOCKS' | 'REPLICATION';

/** The families that the API's MetricFamily enum names. */
export type MetricFamilyName = CoreFamilyName | SnapshotFamilyName;

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
const MAX_STATEMENT_TIMEOUT_MS = 2_147_483_647;

const INSUFFICIENT_PRIVILEGE = '42501';
const UNDEFINED_DATABASE = '3D000';

interface ServerRow {
  version: string;
  versionNum: number;
  maxConnections: number;
  startedAt: string | null;
  collectedAt: string;
  inRecovery: boolean;
}

/**
 * Reads one snapshot of the server's statistics views inside a single
 * REPEATABLE READ, READ ONLY transaction. All durations count from the
 * transaction's now(), the catalog reads share one MVCC snapshot, and the
 * server cancels any statement that runs longer than statementTimeoutMs.
 * The client must not be inside a transaction. On failure the transaction is
 * rolled back and the error is rethrown.
 */
export async function readSnapshot(client: pg.ClientBase, options: ReadSnapshotOptions): Promise<SnapshotWire> {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  validateOptions(options, statementTimeoutMs);

  await client.query(BEGIN_READ_ONLY_SQL);
  try {
    const snapshot = await readInTransaction(client, options, statementTimeoutMs);
    await client.query('COMMIT');
    return snapshot;
  } catch (error) {
    await rollbackAfterFailure(client);
    throw error;
  }
}

function validateOptions(options: ReadSnapshotOptions, statementTimeoutMs: number): void {
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 1 || statementTimeoutMs > MAX_STATEMENT_TIMEOUT_MS) {
    throw new RangeError(
      `Invalid statementTimeoutMs ${statementTimeoutMs}: expected an integer from 1 to ${MAX_STATEMENT_TIMEOUT_MS} ms.`,
    );
  }
  if (options.now !== undefined && Number.isNaN(options.now.getTime())) {
    throw new RangeError('Invalid now option: expected a valid Date, got Invalid Date.');
  }
}

async function readInTransaction(
  client: pg.ClientBase,
  options: ReadSnapshotOptions,
  statementTimeoutMs: number,
): Promise<SnapshotWire> {
  await client.query(SET_STATEMENT_TIMEOUT_SQL, [String(statementTimeoutMs)]);
  const server = await queryFirstRow<ServerRow>(client, SERVER_SQL);
  const queries = selectSnapshotQueries(server.versionNum, server.inRecovery);

  const systemIdentifier = await readSystemIdentifier(client);
  const disabled = options.disabledFamilies ?? new Set<MetricFamilyName>();
  const databases = disabled.has('DATABASES') ? [] : await readDatabases(client);
  const activity = await queryFirstRow<ActivityWire>(client, queries.activity);
  const locks = disabled.has('LOCKS') ? [] : (await client.query<LockCountWire>(LOCKS_SQL)).rows;
  const replication = disabled.has('REPLICATION') ? [] : await readReplication(client, queries.walPosition);
  const families = await readFamilies(client, {
    versionNum: server.versionNum,
    walPositionSql: queries.walPosition,
    statementsLimit: options.statementsLimit ?? 100,
    statementsQueryText: options.statementsQueryText ?? false,
    relationsLimit: options.relationsLimit ?? 200,
    disabled,
  });

  return {
    collectorId: options.collectorId,
    snapshotId: options.snapshotId,
    collectedAt: options.now?.toISOString() ?? server.collectedAt,
    server: {
      host: options.host,
      port: options.port,
      version: server.version,
      systemIdentifier,
      maxConnections: server.maxConnections,
      startedAt: server.startedAt,
    },
    databases,
    activity,
    locks,
    replication,
    ...families,
  };
}

async function readSystemIdentifier(client: pg.ClientBase): Promise<string | null> {
  const recoverable = new Set([INSUFFICIENT_PRIVILEGE]);
  const result = await runInSavepoint(client, recoverable, () =>
    client.query<{ systemIdentifier: string }>(SYSTEM_IDENTIFIER_SQL),
  );
  return result?.rows[0]?.systemIdentifier ?? null;
}

/**
 * Reads every connectable database with its size. When the size of one database
 * fails anyway, for example because a tablespace directory is unreadable or the
 * database was dropped meanwhile, the sizes are read one by one and each failed
 * size is reported as 0.
 */
async function readDatabases(client: pg.ClientBase): Promise<DatabaseStatsWire[]> {
  const recoverable = new Set([INSUFFICIENT_PRIVILEGE, UNDEFINED_DATABASE]);
  const withSizes = await runInSavepoint(client, recoverable, () =>
    client.query<DatabaseStatsWire>(DATABASES_SQL, [true]),
  );
  if (withSizes !== undefined) {
    return withSizes.rows;
  }

  // NOTE: this fallback has only run in tests that inject the error, not against a role without access.
  const withoutSizes = await client.query<DatabaseStatsWire>(DATABASES_SQL, [false]);
  for (const database of withoutSizes.rows) {
    const size = await runInSavepoint(client, recoverable, () =>
      client.query<{ sizeBytes: string }>(DATABASE_SIZE_SQL, [database.datname]),
    );
    database.sizeBytes = size?.rows[0]?.sizeBytes ?? '0';
  }
  return withoutSizes.rows;
}

async function readReplication(client: pg.ClientBase, walPositionSql: string): Promise<ReplicationStatsWire[]> {
  const { position } = await queryFirstRow<{ position: string | null }>(client, walPositionSql);
  const result = await client.query<ReplicationStatsWire>(REPLICATION_SQL, [position]);
  return result.rows;
}

/**
 * Runs one step inside a savepoint. When the step fails with one of the
 * recoverable SQLSTATEs, rolls back to the savepoint so that the transaction
 * can go on, and returns undefined. Other errors are rethrown.
 */
async function runInSavepoint<T>(
  client: pg.ClientBase,
  recoverableSqlStates: ReadonlySet<string>,
  step: () => Promise<T>,
): Promise<T | undefined> {
  await client.query('SAVEPOINT snapshot_step');
  try {
    const value = await step();
    await client.query('RELEASE SAVEPOINT snapshot_step');
    return value;
  } catch (error) {
    if (!hasSqlState(error, recoverableSqlStates)) {
      throw error;
    }
    await client.query('ROLLBACK TO SAVEPOINT snapshot_step');
    await client.query('RELEASE SAVEPOINT snapshot_step');
    return undefined;
  }
}

async function queryFirstRow<Row extends pg.QueryResultRow>(client: pg.ClientBase, sql: string): Promise<Row> {
  const result = await client.query<Row>(sql);
  const row = result.rows[0];
  if (row === undefined) {
    throw new Error(`Snapshot query returned no row, expected one: ${sql.trim().split('\n')[0] ?? sql}`);
  }
  return row;
}

function hasSqlState(error: unknown, sqlStates: ReadonlySet<string>): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return false;
  }
  return typeof error.code === 'string' && sqlStates.has(error.code);
}

// The caller needs the error that failed the snapshot, so a failing ROLLBACK is
// not reported here. It means that the connection is broken, and the caller's
// next query on that connection fails with the cause.
async function rollbackAfterFailure(client: pg.ClientBase): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    return;
  }
}
