/**
 * Statistics queries of the collector. Each is constant text with $n
 * parameters; readSnapshot.ts runs them inside one read-only transaction.
 */

export const BEGIN_READ_ONLY_SQL = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
export const SET_STATEMENT_TIMEOUT_SQL = "SELECT set_config('statement_timeout', $1, true)";

// Timestamps are formatted by the server so that the result does not depend
// on the type parsers configured on the caller's pg client.
export const SERVER_SQL = `
SELECT current_setting('server_version') AS "version",
       current_setting('server_version_num')::int AS "versionNum",
       current_setting('max_connections')::int AS "maxConnections",
       to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "collectedAt",
       pg_is_in_recovery() AS "inRecovery"`;

export const SYSTEM_IDENTIFIER_SQL = 'SELECT system_identifier::text AS "systemIdentifier" FROM pg_control_system()';

// pg_database_size() raises insufficient_privilege unless the role may CONNECT
// to the database or has the privileges of pg_read_all_stats. The CASE reports
// 0 for such a database instead. $1 = false skips every size, for the
// per-database fallback. datconnlimit = -2 marks a database left invalid by an
// interrupted DROP DATABASE, which accepts no connections.
export const DATABASES_SQL = `
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

export const DATABASE_SIZE_SQL = 'SELECT coalesce(pg_database_size($1::name), 0)::text AS "sizeBytes"';

// Durations count up to now(), the start of this transaction. A backend that
// began after it would give a negative age, so greatest() clamps it to 0.
// greatest() also turns the NULL of an empty max() into 0. The lock wait
// column differs by release, so activitySql() inserts it.
const ACTIVITY_COLUMNS = `
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
         AS "longestIdleInTransactionSeconds",`;

const ACTIVITY_FROM = `
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`;

// PostgreSQL 14 added pg_locks.waitstart, the time a process began waiting
// for a lock it has not been granted. It is NULL for a short moment after the
// wait begins, and coalesce() counts such a wait as 0 seconds. pg_locks is not
// limited to client backends, so a waiting autovacuum worker counts here
// although waitingOnLocks leaves it out.
export const LOCK_WAIT_FROM_WAITSTART_SQL = `
       (SELECT greatest(extract(epoch FROM max(now() - coalesce(l.waitstart, now()))), 0)::float8
        FROM pg_locks AS l
        WHERE NOT l.granted AND l.pid IS DISTINCT FROM pg_backend_pid()) AS "longestLockWaitSeconds"`;

// PostgreSQL 13 has no waitstart, so the wait counts from state_change: for a
// waiting session, the start of its current statement. The statement may have
// run for a while before it had to wait, so this is an upper bound.
export const LOCK_WAIT_FROM_STATE_CHANGE_SQL = `
       greatest(extract(epoch FROM max(now() - state_change) FILTER (WHERE wait_event_type = 'Lock')), 0)::float8
         AS "longestLockWaitSeconds"`;

/** Builds the pg_stat_activity query around one of the lock wait columns above. */
export function activitySql(lockWaitColumnSql: string): string {
  return `${ACTIVITY_COLUMNS}${lockWaitColumnSql}${ACTIVITY_FROM}`;
}

// Prepared transactions hold locks with a NULL pid, so IS DISTINCT FROM keeps them.
export const LOCKS_SQL = `
SELECT mode AS "mode", granted AS "granted", count(*)::int AS "count"
FROM pg_locks
WHERE pid IS DISTINCT FROM pg_backend_pid()
GROUP BY mode, granted
ORDER BY mode, granted`;

export const PRIMARY_WAL_POSITION_SQL = 'SELECT pg_current_wal_lsn()::text AS "position"';
export const STANDBY_WAL_POSITION_SQL =
  'SELECT coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text AS "position"';

// NOTE: a standby that has not replied yet has NULL positions, and greatest()
// reports its byte lags as 0. Rows with a NULL state are walsenders hidden from
// roles without pg_read_all_stats, and they are left out.
export const REPLICATION_SQL = `
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
