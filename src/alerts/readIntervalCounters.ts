import type { Prisma } from '../generated/prisma/client.js';
import { counterDelta } from '../metrics/counterDelta.js';
import type { Snapshot } from '../metrics/validateSnapshot.js';
import { readCheckpointCounts, readSlotsInactiveSince, type CheckpointCounts } from './readFamilyIntervals.js';

/**
 * Increases of pg_stat_database counters since the server's previous
 * snapshot, summed over databases. Without a previous snapshot they are the
 * counters since their last reset and `seconds` is null, so ratios can be
 * computed but rates cannot.
 */
export interface IntervalCounters {
  blksHit: bigint;
  blksRead: bigint;
  xactCommit: bigint;
  xactRollback: bigint;
  deadlocks: bigint;
  tempBytes: bigint;
  /** Seconds since the previous snapshot, or null without one. */
  seconds: number | null;
  /** Checkpoints within CHECKPOINT_RATIO_WINDOW_SECONDS, or null when the snapshot has no checkpointer statistics. */
  checkpoints: CheckpointCounts | null;
  /** When each slot that is inactive in this snapshot became inactive, by slot name. */
  slotsInactiveSince: Map<string, Date>;
}

type CounterName = 'blksHit' | 'blksRead' | 'xactCommit' | 'xactRollback' | 'deadlocks' | 'tempBytes';
const COUNTERS: CounterName[] = ['blksHit', 'blksRead', 'xactCommit', 'xactRollback', 'deadlocks', 'tempBytes'];

interface PreviousRow {
  datname: string;
  collected_at: Date;
  stats_reset: Date | null;
  blks_hit: bigint;
  blks_read: bigint;
  xact_commit: bigint;
  xact_rollback: bigint;
  deadlocks: bigint;
  temp_bytes: bigint;
}

function previousValue(row: PreviousRow, name: CounterName): bigint {
  const values: Record<CounterName, bigint> = {
    blksHit: row.blks_hit,
    blksRead: row.blks_read,
    xactCommit: row.xact_commit,
    xactRollback: row.xact_rollback,
    deadlocks: row.deadlocks,
    tempBytes: row.temp_bytes,
  };
  return BigInt(values[name]);
}

/**
 * Reads the previous snapshot's database counters and returns the increases
 * since then, with the checkpoint counts and inactive slot times.
 */
export async function readIntervalCounters(
  tx: Prisma.TransactionClient,
  serverId: string,
  snapshot: Snapshot,
): Promise<IntervalCounters> {
  const previousRows = await tx.$queryRaw<PreviousRow[]>`
    SELECT datname, collected_at, stats_reset, blks_hit, blks_read, xact_commit, xact_rollback, deadlocks, temp_bytes
    FROM database_samples
    WHERE server_id = ${serverId}::uuid
      AND collected_at = (SELECT max(collected_at) FROM database_samples
                          WHERE server_id = ${serverId}::uuid AND collected_at < ${snapshot.collectedAt})`;
  const previous = new Map(previousRows.map((row) => [row.datname, row]));
  const previousAt = previousRows[0]?.collected_at;

  const totals: IntervalCounters = {
    blksHit: 0n, blksRead: 0n, xactCommit: 0n, xactRollback: 0n, deadlocks: 0n, tempBytes: 0n, seconds: null,
    checkpoints: await readCheckpointCounts(tx, serverId, snapshot),
    slotsInactiveSince: await readSlotsInactiveSince(tx, serverId, snapshot),
  };
  for (const database of snapshot.databases) {
    const before = previous.get(database.datname);
    if (before === undefined && previous.size > 0) {
      // A database that appeared since the previous snapshot has no interval yet.
      continue;
    }
    for (const name of COUNTERS) {
      totals[name] += before
        ? counterDelta(database[name], previousValue(before, name), database.statsReset, before.stats_reset)
        : database[name];
    }
  }

  if (previousAt !== undefined) {
    totals.seconds = (snapshot.collectedAt.getTime() - previousAt.getTime()) / 1000;
  }
  return totals;
}
