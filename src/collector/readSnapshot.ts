import type pg from 'pg';
import type {
  ActivityWire,
  DatabaseStatsWire,
  LockCountWire,
  ReplicationStatsWire,
  SnapshotWire,
} from './snapshotWire.js';

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
}

/** SQL that differs between monitored servers. */
export interface SnapshotQueries {
  /** Query for the WAL position, as pg_lsn text, that replication byte lags count from. */
  walPosition: string;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
export const MIN_SERVER_VERSION_NUM = 130000;
const MAX_STATEMENT_TIMEOUT_MS = 2_147_483_647;

const INSUFFICIENT_PRIVILEGE = '42501';
const UNDEFINED_DATABASE = '3D000';

const BEGIN_READ_ONLY_SQL = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
const SET_STATEMENT_TIMEOUT_SQL = "SELECT set_config('statement_timeout', $1, true)";

// Timestamps are formatted by the server so that the result does not depend
// on the type parsers configured on the caller's pg client.
const SERVER_SQL = `
SELECT current_setting('server_version') AS "version",
       current_setting('server_version_num')::int AS "versionNum",
       current_setting('max_connections')::int AS "maxConnections",
       to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "collectedAt",
       pg_is_in_recovery() AS "inRecovery"`;

const SYSTEM_IDENTIFIER_SQL = 'SELECT system_identifier::text AS "systemIdentifier" FROM pg_control_system()';

// pg_database_size() raises insufficient_privilege unless the role may CONNECT
// to the database or has the privileges of pg_read_all_stats. The CASE reports
// 0 for such a database instead. $1 = false skips every size, for the
// per-database fallback. datconnlimit = -2 marks a database left invalid by an
// interrupted DROP DATABASE, which accepts no connections.
const DATABASES_SQL = `
SELECT d.datname AS "datname",
       s.xact_commit::text AS "xactCommit",
       s.xact_rollback::text AS "xactRollback",
       s.blks_read::text AS "blksRead",
       s.blks_hit::text AS "blksHit",
       s.tup_returned::text AS "tupReturned",
       s.tup_fetched::text AS "tupFetched",
       s.tup_inserted::text AS "tupInserted",
       s.tup_updated::text AS "tupUpdated",
       s.tup_deleted::text AS "tupDeleted",
       s.temp_files::text AS "tempFiles",
       s.temp_bytes::text AS "tempBytes",
       s.deadlocks::text AS "deadlocks",
       s.conflicts::text AS "conflicts",
       to_char(s.stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "statsReset",
       (CASE WHEN $1::boolean
                  AND (has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE'))
             THEN coalesce(pg_database_size(d.oid), 0)
             ELSE 0 END)::text AS "sizeBytes",
       age(d.datfrozenxid)::text AS "frozenXidAge"
FROM pg_database AS d
JOIN pg_stat_database AS s ON s.datid = d.oid
WHERE d.datallowconn AND NOT d.datistemplate AND d.datconnlimit <> -2
ORDER BY d.datname`;

const DATABASE_SIZE_SQL = 'SELECT coalesce(pg_database_size($1::name), 0)::text AS "sizeBytes"';

// Durations count up to now(), the start of this transaction. A backend that
// began after it would give a negative age, so greatest() clamps it to 0.
// greatest() also turns the NULL of an empty max() into 0.
const ACTIVITY_SQL = `
SELECT count(*)::int AS "totalConnections",
       count(*) FILTER (WHERE state = 'active')::int AS "active",
       count(*) FILTER (WHERE state = 'idle')::int AS "idle",
       count(*) FILTER (WHERE state = 'idle in transaction')::int AS "idleInTransaction",
       count(*) FILTER (WHERE state = 'idle in transaction (aborted)')::int AS "idleInTransactionAborted",
       count(*) FILTER (WHERE state = 'fastpath function call')::int AS "fastpath",
       count(*) FILTER (WHERE state = 'disabled')::int AS "disabled",
       count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS "waitingOnLocks",
       greatest(extract(epoch FROM max(now() - xact_start)), 0)::float8 AS "longestTransactionSeconds",
       greatest(extract(epoch FROM max(now() - query_start) FILTER (WHERE state = 'active')), 0)::float8
         AS "longestQuerySeconds",
       greatest(extract(epoch FROM max(now() - state_change)
                  FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)'))), 0)::float8
         AS "longestIdleInTransactionSeconds"
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`;

// Prepared transactions hold locks with a NULL pid, so IS DISTINCT FROM keeps them.
const LOCKS_SQL = `
SELECT mode AS "mode", granted AS "granted", count(*)::int AS "count"
FROM pg_locks
WHERE pid IS DISTINCT FROM pg_backend_pid()
GROUP BY mode, granted
ORDER BY mode, granted`;

const PRIMARY_WAL_POSITION_SQL = 'SELECT pg_current_wal_lsn()::text AS "position"';
const STANDBY_WAL_POSITION_SQL =
  'SELECT coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text AS "position"';

// NOTE: a standby that has not replied yet has NULL positions, and greatest()
// reports its byte lags as 0. Rows with a NULL state are walsenders hidden from
// roles without pg_read_all_stats, and they are left out.
const REPLICATION_SQL = `
SELECT coalesce(nullif(application_name, ''), host(client_addr), '[local]') AS "standby",
       host(client_addr) AS "clientAddr",
       state AS "state",
       sync_state AS "syncState",
       greatest(pg_wal_lsn_diff($1::pg_lsn, sent_lsn), 0)::bigint::text AS "sentLagBytes",
       greatest(pg_wal_lsn_diff($1::pg_lsn, write_lsn), 0)::bigint::text AS "writeLagBytes",
       greatest(pg_wal_lsn_diff($1::pg_lsn, flush_lsn), 0)::bigint::text AS "flushLagBytes",
       greatest(pg_wal_lsn_diff($1::pg_lsn, replay_lsn), 0)::bigint::text AS "replayLagBytes",
       extract(epoch FROM write_lag)::float8 AS "writeLagSeconds",
       extract(epoch FROM flush_lag)::float8 AS "flushLagSeconds",
       extract(epoch FROM replay_lag)::float8 AS "replayLagSeconds"
FROM pg_stat_replication
WHERE state IS NOT NULL
ORDER BY 1`;

interface ServerRow {
  version: string;
  versionNum: number;
  maxConnections: number;
  startedAt: string | null;
  collectedAt: string;
  inRecovery: boolean;
}

/**
 * Chooses the SQL variants for a server from its server_version_num and
 * pg_is_in_recovery(). Throws for servers older than PostgreSQL 13.
 *
 * The statistics columns read here have the same names from PostgreSQL 13
 * through 17, so today the version selects no alternative SQL. A release that
 * renames one of them gets its variant here.
 */
export function selectSnapshotQueries(serverVersionNum: number, inRecovery: boolean): SnapshotQueries {
  if (!Number.isInteger(serverVersionNum) || serverVersionNum < MIN_SERVER_VERSION_NUM) {
    throw new Error(
      `Unsupported PostgreSQL server_version_num ${serverVersionNum}: the collector requires PostgreSQL 13 or later.`,
    );
  }
  // NOTE: servers newer than 17 get the same SQL, which has not been run against them.
  // pg_current_wal_lsn() raises an error during recovery, so a standby counts from the WAL it received.
  return { walPosition: inRecovery ? STANDBY_WAL_POSITION_SQL : PRIMARY_WAL_POSITION_SQL };
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
  const databases = await readDatabases(client);
  const activity = await queryFirstRow<ActivityWire>(client, ACTIVITY_SQL);
  const locks = await client.query<LockCountWire>(LOCKS_SQL);
  const replication = await readReplication(client, queries.walPosition);

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
    locks: locks.rows,
    replication,
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
