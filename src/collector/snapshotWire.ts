/**
 * JSON form of the GraphQL input PushMetricsInput, which a collector sends as
 * the `input` variable of `pushMetrics`. Field names and meanings follow
 * schema.graphql. BigInt values are decimal strings because JSON numbers lose
 * precision past 2^53, and DateTime values are ISO 8601 strings with a time zone.
 */

/** One statistics snapshot of a PostgreSQL server. */
export interface SnapshotWire extends FamiliesWire {
  /** Collector id, which must equal the id inside the collector token. */
  collectorId: string;
  /** UUID chosen by the collector. The API stores a repeated id only once. */
  snapshotId: string;
  /** Time the statistics were read (DateTime), at most 5 minutes in the future. */
  collectedAt: string;
  server: ServerIdentityWire;
  /** One row per database from pg_stat_database. The API accepts at most 1000. */
  databases: DatabaseStatsWire[];
  activity: ActivityWire;
  /** One row per lock mode and granted flag from pg_locks. The API accepts at most 100. */
  locks: LockCountWire[];
  /** One row per standby from pg_stat_replication. The API accepts at most 100. */
  replication: ReplicationStatsWire[];
}

/** Identity and settings of the monitored server. */
export interface ServerIdentityWire {
  host: string;
  port: number;
  /** server_version, such as "16.4 (Debian 16.4-1)". */
  version: string;
  /** pg_control_system().system_identifier as a decimal string, or null when unreadable. */
  systemIdentifier: string | null;
  maxConnections: number;
  /** pg_postmaster_start_time() (DateTime). */
  startedAt: string | null;
}

/** Cumulative counters of one database. Every counter is a BigInt decimal string. */
export interface DatabaseStatsWire {
  datname: string;
  xactCommit: string;
  xactRollback: string;
  blksRead: string;
  blksHit: string;
  tupReturned: string;
  tupFetched: string;
  tupInserted: string;
  tupUpdated: string;
  tupDeleted: string;
  tempFiles: string;
  tempBytes: string;
  deadlocks: string;
  conflicts: string;
  /** Time of the last statistics reset (DateTime), or null when never reset. */
  statsReset: string | null;
  sizeBytes: string;
  /** age(datfrozenxid), in transactions. */
  frozenXidAge: string;
}

/** Connection counts by state from pg_stat_activity, client backends only. */
export interface ActivityWire {
  totalConnections: number;
  active: number;
  idle: number;
  idleInTransaction: number;
  idleInTransactionAborted: number;
  fastpath: number;
  disabled: number;
  waitingOnLocks: number;
  /** Age of the oldest open transaction in seconds, 0 when none is open. */
  longestTransactionSeconds: number;
  /** Run time of the longest running query in seconds, 0 when none runs. */
  longestQuerySeconds: number;
  /** Time in seconds of the longest idle-in-transaction session, 0 when none exists. */
  longestIdleInTransactionSeconds: number;
  /**
   * Maximum time in seconds that a process has waited for a heavyweight lock,
   * 0 when none waits. From pg_locks.waitstart on PostgreSQL 14 and later. On
   * PostgreSQL 13 it counts from the start of the waiting statement, an upper
   * bound. The API accepts snapshots without it from older collectors.
   */
  longestLockWaitSeconds: number;
}

/** Number of pg_locks rows with one lock mode and granted flag. */
export interface LockCountWire {
  mode: string;
  granted: boolean;
  count: number;
}

/** One standby from pg_stat_replication. Byte lags count from the primary's current WAL position. */
export interface ReplicationStatsWire {
  /** application_name, or the client address when the name is empty. */
  standby: string;
  clientAddr: string | null;
  state: string;
  syncState: string;
  sentLagBytes: string;
  writeLagBytes: string;
  flushLagBytes: string;
  replayLagBytes: string;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
}

/** Families beyond the core ones; see schema.graphql for each field. */
export type SnapshotFamilyName = 'STATEMENTS' | 'TABLES' | 'INDEXES' | 'CHECKPOINTER' | 'WAL' | 'REPLICATION_SLOTS';

/** The optional families of a snapshot. A skipped family is absent and listed in skippedFamilies. */
export interface FamiliesWire {
  statements?: StatementStatsWire[];
  tables?: TableStatsWire[];
  indexes?: IndexStatsWire[];
  checkpointer?: CheckpointerStatsWire;
  wal?: WalStatsWire;
  replicationSlots?: ReplicationSlotWire[];
  skippedFamilies?: Array<{ family: SnapshotFamilyName; reason: string }>;
}

/** One pg_stat_statements entry. BigInt fields are decimal strings; times are in milliseconds. */
export interface StatementStatsWire {
  queryid: string;
  datname: string;
  username: string;
  calls: string;
  totalExecTimeMs: number;
  meanExecTimeMs: number;
  rows: string;
  sharedBlksHit: string;
  sharedBlksRead: string;
  sharedBlksWritten: string;
  localBlksHit: string;
  localBlksRead: string;
  localBlksWritten: string;
  tempBlksRead: string;
  tempBlksWritten: string;
  blkReadTimeMs: number;
  blkWriteTimeMs: number;
  query: string | null;
}

export interface TableStatsWire {
  datname: string;
  schemaname: string;
  relname: string;
  seqScan: string;
  idxScan: string;
  nTupIns: string;
  nTupUpd: string;
  nTupDel: string;
  nTupHotUpd: string;
  nLiveTup: string;
  nDeadTup: string;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
  lastAnalyze: string | null;
  lastAutoanalyze: string | null;
  heapBlksRead: string;
  heapBlksHit: string;
  idxBlksRead: string;
  idxBlksHit: string;
  sizeBytes: string;
}

export interface IndexStatsWire {
  datname: string;
  schemaname: string;
  relname: string;
  indexrelname: string;
  idxScan: string;
  idxTupRead: string;
  idxTupFetch: string;
  idxBlksRead: string;
  idxBlksHit: string;
  sizeBytes: string;
}

export interface CheckpointerStatsWire {
  checkpointsTimed: string;
  checkpointsRequested: string;
  writeTimeMs: number;
  syncTimeMs: number;
  buffersWritten: string;
  statsReset: string | null;
}

export interface WalStatsWire {
  lsn: string;
  lsnBytes: string;
  records: string | null;
  fpi: string | null;
  bytes: string | null;
  buffersFull: string | null;
  statsReset: string | null;
}

export interface ReplicationSlotWire {
  slotName: string;
  slotType: string;
  database: string | null;
  active: boolean;
  retainedBytes: string | null;
  xminAge: string | null;
}
