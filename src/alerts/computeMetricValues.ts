import type { MetricName } from '../generated/graphql.js';
import type { Snapshot } from '../metrics/validateSnapshot.js';
import type { IntervalCounters } from './readIntervalCounters.js';

/** One value of one metric in a snapshot, for the server itself or one subject within it. */
export interface MetricValue {
  /** A database or standby name, or '' for the server itself. */
  subject: string;
  value: number;
}

export type MetricValues = Map<MetricName, MetricValue[]>;

const serverValue = (value: number): MetricValue[] => [{ subject: '', value }];

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

  // TODO: compute INACTIVE_REPLICATION_SLOT_SECONDS, DEAD_TUPLE_RATIO (tables
  // over 10,000 rows) and REQUESTED_CHECKPOINT_RATIO once snapshots carry
  // replication slot, table and checkpointer statistics. Their default rules
  // stay disabled until then.
  return values;
}
