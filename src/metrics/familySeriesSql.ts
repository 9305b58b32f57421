import { Prisma } from '../generated/prisma/client.js';
import type { SeriesWindow } from './timeseriesSql.js';

/** A time-series table of the optional families, with the columns that identify one row within a snapshot. */
interface KeyedTable {
  table: 'statement_samples' | 'checkpointer_samples' | 'wal_samples';
  /** Columns naming one counter series within a server, empty for one row per snapshot. */
  keys: string[];
}

export const STATEMENTS: KeyedTable = { table: 'statement_samples', keys: ['datname', 'username', 'queryid'] };
export const CHECKPOINTER: KeyedTable = { table: 'checkpointer_samples', keys: [] };
export const WAL: KeyedTable = { table: 'wal_samples', keys: [] };

const bucket = (step: number) =>
  Prisma.sql`to_timestamp(floor(extract(epoch FROM collected_at) / ${step}) * ${step})`;

/**
 * Common table expressions giving, for each snapshot in the window, the
 * increase of counters `a` and `b` summed over the rows of the table, and the
 * seconds since the previous snapshot. A row counts only when the same key was
 * also in the previous snapshot of the server, because the collector sends
 * only the top statements and a row missing in between would span several
 * intervals. A counter that went down restarted from zero, so its whole value
 * counts.
 */
function keyedDeltas(source: KeyedTable, a: string, b: string, w: SeriesWindow): Prisma.Sql {
  const partition = source.keys.length === 0 ? '' : `PARTITION BY ${source.keys.join(', ')}`;
  const inWindow = Prisma.sql`server_id = ${w.serverId}::uuid AND collected_at < ${w.to}
    AND collected_at >= coalesce((SELECT max(collected_at) FROM ${Prisma.raw(source.table)}
                                  WHERE server_id = ${w.serverId}::uuid AND collected_at < ${w.from}), ${w.from})`;
  return Prisma.sql`
    times AS (
      SELECT collected_at, lag(collected_at) OVER (ORDER BY collected_at) AS previous_at
      FROM (SELECT DISTINCT collected_at FROM ${Prisma.raw(source.table)} WHERE ${inWindow}) AS snapshot_times
    ),
    samples AS (
      SELECT collected_at, (${Prisma.raw(a)})::float8 AS a, (${Prisma.raw(b)})::float8 AS b,
             lag((${Prisma.raw(a)})::float8) OVER w AS previous_a, lag((${Prisma.raw(b)})::float8) OVER w AS previous_b,
             lag(collected_at) OVER w AS row_previous_at
      FROM ${Prisma.raw(source.table)}
      WHERE ${inWindow}
      WINDOW w AS (${Prisma.raw(partition)} ORDER BY collected_at)
    ),
    deltas AS (
      SELECT s.collected_at, max(extract(epoch FROM t.collected_at - t.previous_at)) AS seconds,
             sum(CASE WHEN s.a < s.previous_a THEN s.a ELSE s.a - s.previous_a END) AS a,
             sum(CASE WHEN s.b < s.previous_b THEN s.b ELSE s.b - s.previous_b END) AS b
      FROM samples AS s JOIN times AS t ON t.collected_at = s.collected_at
      WHERE t.previous_at IS NOT NULL AND s.row_previous_at = t.previous_at AND s.collected_at >= ${w.from}
      GROUP BY s.collected_at
    )`;
}

/** Rate of counter `expression` per `perSeconds` seconds, averaged per bucket. */
export function keyedRate(source: KeyedTable, expression: string, perSeconds: number, w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH ${keyedDeltas(source, expression, '0', w)}
    SELECT ${bucket(w.step)} AS time, (sum(a) / sum(seconds) * ${perSeconds})::float8 AS value
    FROM deltas GROUP BY 1 HAVING sum(seconds) > 0 ORDER BY 1`;
}

/** Increase of `numerator` over increase of `denominator` per bucket, such as execution time per call. */
export function keyedRatio(source: KeyedTable, numerator: string, denominator: string, w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH ${keyedDeltas(source, numerator, denominator, w)}
    SELECT ${bucket(w.step)} AS time, (sum(a) / sum(b))::float8 AS value
    FROM deltas GROUP BY 1 HAVING sum(b) > 0 ORDER BY 1`;
}

/**
 * Builds the maximum time any replication slot has been inactive at each snapshot, as
 * in readFamilyIntervals.ts: seconds since the slot's first inactive sample
 * after its last active one, or 0 when every slot is active. Earlier samples
 * are read too, because an inactive run can start before the window.
 */
export function inactiveSlotSeconds(w: SeriesWindow): Prisma.Sql {
  return Prisma.sql`
    WITH marked AS (
      SELECT collected_at, slot_name, active,
             max(CASE WHEN active THEN collected_at END) OVER (PARTITION BY slot_name ORDER BY collected_at) AS last_active_at
      FROM replication_slot_samples
      WHERE server_id = ${w.serverId}::uuid AND collected_at < ${w.to}
    ),
    runs AS (
      SELECT collected_at, active,
             min(CASE WHEN NOT active THEN collected_at END) OVER (PARTITION BY slot_name, last_active_at) AS inactive_since
      FROM marked
    ),
    per_snapshot AS (
      SELECT collected_at, max(CASE WHEN active THEN 0 ELSE extract(epoch FROM collected_at - inactive_since) END) AS value
      FROM runs WHERE collected_at >= ${w.from}
      GROUP BY collected_at
    )
    SELECT ${bucket(w.step)} AS time, avg(value)::float8 AS value
    FROM per_snapshot GROUP BY 1 ORDER BY 1`;
}
