import {
  activitySql,
  LOCK_WAIT_FROM_STATE_CHANGE_SQL,
  LOCK_WAIT_FROM_WAITSTART_SQL,
  PRIMARY_WAL_POSITION_SQL,
  STANDBY_WAL_POSITION_SQL,
} from './snapshotSql.js';

/** SQL that differs between monitored servers. */
export interface SnapshotQueries {
  /** Query for the WAL position, as pg_lsn text, that replication byte lags count from. */
  walPosition: string;
  /** Query for the one row of ActivityWire. */
  activity: string;
}

export const MIN_SERVER_VERSION_NUM = 130000;
const PG14 = 140000;

/**
 * Chooses the SQL variants for a server from its server_version_num and
 * pg_is_in_recovery(). Throws for servers older than PostgreSQL 13.
 *
 * Only the lock wait duration depends on the release, because
 * pg_locks.waitstart exists from PostgreSQL 14. The other statistics columns
 * read here have the same names from PostgreSQL 13 through 17. A release that
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
  const lockWait = serverVersionNum >= PG14 ? LOCK_WAIT_FROM_WAITSTART_SQL : LOCK_WAIT_FROM_STATE_CHANGE_SQL;
  return {
    walPosition: inRecovery ? STANDBY_WAL_POSITION_SQL : PRIMARY_WAL_POSITION_SQL,
    activity: activitySql(lockWait),
  };
}
