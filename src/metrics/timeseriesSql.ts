import { Prisma } from '../generated/prisma/client.js';
import type { MetricName } from '../generated/graphql.js';
import { CHECKPOINTER, inactiveSlotSeconds, keyedRate, keyedRatio, STATEMENTS, WAL } from './familySeriesSql.js';

/** Inputs of one timeseries query; step is in seconds. */
export interface SeriesWindow {
  serverId: string;
  from: Date;
  to: Date;
  step: number;
}

// Every query returns rows of (time, value): one per bucket of `step`
// seconds, aligned to the Unix epoch, averaged over the samples in it.
// Table and column names come only from the constants below, never from
// input; every value is a bound parameter.

const bucket = (step: number) =>
  Prisma.sql`to_timestamp(floor(extract(epoch FROM collected_at) / ${step}) * ${step})`;

/** Builds the query of a value read from each snapshot, averaged per bucket. */
type GaugeTable = 'activity_samples' | 'database_samples' | 'replication_samples' | 'table_samples' | 'replication_slot_samples';

function gauge(table: GaugeTable, perSnapshot: string, w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH per_snapshot AS (
      SELECT collected_at, ${Prisma.raw(perSnapshot)} AS value
      FROM ${Prisma.raw(table)}
      WHERE server_id = ${w.serverId}::uuid AND collected_at >= ${w.from} AND collected_at < ${w.to}
      GROUP BY collected_at
    )
    SELECT ${bucket(w.step)} AS time, avg(value)::float8 AS value
    FROM per_snapshot GROUP BY 1 HAVING avg(value) IS NOT NULL ORDER BY 1`;
}

/** pg_stat_database counters that rates and ratios are computed from. */
const COUNTERS = ['xact_commit', 'xact_rollback', 'blks_hit', 'blks_read', 'deadlocks', 'temp_bytes'];
const LAGGED = COUNTERS.map((name) => `${name}, lag(${name}) OVER w AS previous_${name}`).join(', ');
const DELTAS = COUNTERS.map(
  (name) => `sum(CASE WHEN ${name} < previous_${name} OR reset_changed THEN ${name} ELSE ${name} - previous_${name} END) AS ${name}`,
).join(', ');

/**
 * Common table expressions giving each snapshot's counter increases, summed
 * over databases, and the seconds since the previous snapshot. A counter
 * that went down or whose stats_reset changed restarted from zero, so its
 * whole value counts, as in counterDelta.ts.
 */
function counterDeltas(w: SeriesWindow): Prisma.Sql {
  // The sample just before `from` is included so the first bucket has a delta.
  return Prisma.sql`
    samples AS (
      SELECT collected_at, datname, ${Prisma.raw(LAGGED)},
             lag(collected_at) OVER w AS previous_at,
             stats_reset IS DISTINCT FROM lag(stats_reset) OVER w AS reset_changed
      FROM database_samples
      WHERE server_id = ${w.serverId}::uuid AND collected_at < ${w.to}
        AND collected_at >= coalesce((SELECT max(collected_at) FROM database_samples
                                      WHERE server_id = ${w.serverId}::uuid AND collected_at < ${w.from}), ${w.from})
      WINDOW w AS (PARTITION BY datname ORDER BY collected_at)
    ),
    deltas AS (
      SELECT collected_at, max(extract(epoch FROM collected_at - previous_at)) AS seconds, ${Prisma.raw(DELTAS)}
      FROM samples WHERE previous_at IS NOT NULL AND collected_at >= ${w.from}
      GROUP BY collected_at
    )`;
}

function rate(expression: string, perSeconds: number, w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH ${counterDeltas(w)}
    SELECT ${bucket(w.step)} AS time, (sum(${Prisma.raw(expression)}) / sum(seconds) * ${perSeconds})::float8 AS value
    FROM deltas GROUP BY 1 HAVING sum(seconds) > 0 ORDER BY 1`;
}

function ratio(numerator: string, denominator: string, w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH ${counterDeltas(w)}
    SELECT ${bucket(w.step)} AS time, (sum(${Prisma.raw(numerator)})::float8 / sum(${Prisma.raw(denominator)})::float8) AS value
    FROM deltas GROUP BY 1 HAVING sum(${Prisma.raw(denominator)}) > 0 ORDER BY 1`;
}

/** Builds the SQL that computes one metric over a window. */
export function timeseriesSql(metric: MetricName, w: SeriesWindow): Prisma.Sql {
  switch (metric) {
    case 'CONNECTIONS':
      return gauge('activity_samples', 'max(total_connections)', w);
    case 'CONNECTION_UTILIZATION':
      return gauge('activity_samples', 'max(total_connections::float8 / max_connections)', w);
    case 'LONGEST_TRANSACTION_SECONDS':
      return gauge('activity_samples', 'max(longest_transaction_seconds)', w);
    case 'DATABASE_SIZE_BYTES':
      return gauge('database_samples', 'sum(size_bytes)', w);
    case 'TRANSACTION_ID_AGE':
      return gauge('database_samples', 'max(frozen_xid_age)', w);
    case 'REPLICATION_REPLAY_LAG_BYTES':
      return gauge('replication_samples', 'max(replay_lag_bytes)', w);
    case 'TRANSACTIONS_PER_SECOND':
      return rate('xact_commit + xact_rollback', 1, w);
    case 'DEADLOCKS_PER_MINUTE':
      return rate('deadlocks', 60, w);
    case 'TEMP_BYTES_PER_SECOND':
      return rate('temp_bytes', 1, w);
    case 'ROLLBACK_RATIO':
      return ratio('xact_rollback', 'xact_commit + xact_rollback', w);
    case 'CACHE_HIT_RATIO':
      return ratio('blks_hit', 'blks_hit + blks_read', w);
    case 'DEAD_TUPLE_RATIO':
      return gauge('table_samples', 'sum(n_dead_tup)::float8 / nullif(sum(n_live_tup + n_dead_tup), 0)', w);
    case 'REPLICATION_SLOT_RETAINED_BYTES':
      return gauge('replication_slot_samples', 'max(retained_bytes)', w);
    case 'STATEMENT_CALLS_PER_SECOND':
      return keyedRate(STATEMENTS, 'calls', 1, w);
    case 'STATEMENT_MEAN_TIME_MS':
      return keyedRatio(STATEMENTS, 'total_exec_time_ms', 'calls', w);
    case 'CHECKPOINTS_REQUESTED_PER_HOUR':
      return keyedRate(CHECKPOINTER, 'checkpoints_requested', 3600, w);
    case 'WAL_BYTES_PER_SECOND':
      return keyedRate(WAL, 'lsn_bytes', 1, w);
    case 'IDLE_IN_TRANSACTION_SECONDS':
      return gauge('activity_samples', 'max(longest_idle_in_transaction_seconds)', w);
    case 'SESSIONS_WAITING_ON_LOCKS':
      return gauge('activity_samples', 'max(waiting_on_locks)', w);
    case 'LONGEST_LOCK_WAIT_SECONDS':
      return gauge('activity_samples', 'max(longest_lock_wait_seconds)', w);
    case 'INACTIVE_REPLICATION_SLOT_SECONDS':
      return inactiveSlotSeconds(w);
    case 'REQUESTED_CHECKPOINT_RATIO':
      return keyedRatio(CHECKPOINTER, 'checkpoints_requested', 'checkpoints_requested + checkpoints_timed', w);
  }
}
