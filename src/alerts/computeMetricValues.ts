import type { MetricName } from '../generated/graphql.js';
import type { Snapshot } from '../metrics/validateSnapshot.js';
import type { IntervalCounters } from './readIntervalCounters.js';

/** One value of one metric in a snapshot, for the server itself or one subject within it. */
export interface MetricValue {
  /**
   * A database, standby or replication slot name, a table as
   * database.schema.table, or '' for the server itself.
   */
  subject: string;
  value: number;
}

export type MetricValues = Map<MetricName, MetricValue[]>;

/** Live plus dead tuples a table must exceed to get a DEAD_TUPLE_RATIO value. */
export const MIN_DEAD_TUPLE_RATIO_ROWS = 10_000n;

const serverValue = (value: number): MetricValue[] => [{ subject: '', value }];

// A field that older collectors omit gives no value, so an open alert on its metric resolves.
const optionalServerValue = (value: number | null | undefined): MetricValue[] =>
  value === null || value === undefined ? [] : serverValue(value);

function ratio(numerator: bigint, denominator: bigint): MetricValue[] {
  return denominator === 0n ? [] : serverValue(Number(numerator) / Number(denominator));
}

function perSecond(count: bigint, seconds: number | null): MetricValue[] {
  return seconds === null || seconds <= 0 ? [] : serverValue(Number(count) / seconds);
}

/**
 * Computes the value of every metric that alert rules can use from one
 * snapshot and the counter increases since the previous one. A metric
 * without a value in this snapshot (a ratio with no transactions, a rate
 * without a previous snapshot) is absent, so rules on it resolve.
 */
export function computeMetricValues(snapshot: Snapshot, interval: IntervalCounters): MetricValues {
  const { activity, server } = snapshot;
  const values: MetricValues = new Map();
  const transactions = interval.xactCommit + interval.xactRollback;

  values.set('CONNECTIONS', serverValue(activity.totalConnections));
  values.set('CONNECTION_UTILIZATION', serverValue(activity.totalConnections / server.maxConnections));
  values.set('LONGEST_TRANSACTION_SECONDS', serverValue(activity.longestTransactionSeconds));
  values.set('IDLE_IN_TRANSACTION_SECONDS', serverValue(activity.longestIdleInTransactionSeconds));
  values.set('SESSIONS_WAITING_ON_LOCKS', serverValue(activity.waitingOnLocks));
  values.set('LONGEST_LOCK_WAIT_SECONDS', optionalServerValue(activity.longestLockWaitSeconds));

  values.set('CACHE_HIT_RATIO', ratio(interval.blksHit, interval.blksHit + interval.blksRead));
  values.set('ROLLBACK_RATIO', ratio(interval.xactRollback, transactions));
  values.set('DEADLOCKS_PER_MINUTE', perSecond(interval.deadlocks, interval.seconds).map((v) => ({ ...v, value: v.value * 60 })));
  values.set('TRANSACTIONS_PER_SECOND', perSecond(transactions, interval.seconds));
  values.set('TEMP_BYTES_PER_SECOND', perSecond(interval.tempBytes, interval.seconds));

  const sizeBytes = snapshot.databases.reduce((sum, database) => sum + Number(database.sizeBytes), 0);
  values.set('DATABASE_SIZE_BYTES', serverValue(sizeBytes));
  values.set(
    'TRANSACTION_ID_AGE',
    snapshot.databases.map((database) => ({ subject: database.datname, value: Number(database.frozenXidAge) })),
  );
  values.set(
    'REPLICATION_REPLAY_LAG_BYTES',
    snapshot.replication.map((standby) => ({ subject: standby.standby, value: Number(standby.replayLagBytes) })),
  );

  setFamilyValues(values, snapshot, interval);
  return values;
}

/**
 * Adds the metrics of the optional families. A family the snapshot does not
 * carry leaves its metric absent, so alerts on it resolve.
 */
function setFamilyValues(values: MetricValues, snapshot: Snapshot, interval: IntervalCounters): void {
  const at = snapshot.collectedAt.getTime();
  values.set(
    'INACTIVE_REPLICATION_SLOT_SECONDS',
    [...interval.slotsInactiveSince].map(([slotName, since]) => ({ subject: slotName, value: (at - since.getTime()) / 1000 })),
  );

  // The counts cover CHECKPOINT_RATIO_WINDOW_SECONDS, not one interval, so
  // the share is absent only after that long without any checkpoint.
  const { checkpoints } = interval;
  values.set('REQUESTED_CHECKPOINT_RATIO', checkpoints ? ratio(checkpoints.requested, checkpoints.timed + checkpoints.requested) : []);

  // Small tables reach a high dead share after a few updates and autovacuum
  // handles them quickly, so only tables above the row count are measured.
  const large = (snapshot.tables ?? []).filter((table) => table.nLiveTup + table.nDeadTup > MIN_DEAD_TUPLE_RATIO_ROWS);
  values.set(
    'DEAD_TUPLE_RATIO',
    large.map((table) => ({
      subject: `${table.datname}.${table.schemaname}.${table.relname}`,
      value: Number(table.nDeadTup) / Number(table.nLiveTup + table.nDeadTup),
    })),
  );
}
