import { Prisma } from '../generated/prisma/client.js';
import type { Snapshot } from '../metrics/validateSnapshot.js';

/**
 * Length of the window REQUESTED_CHECKPOINT_RATIO covers. With 60-second
 * pushes most intervals contain no checkpoint, so a share per interval comes
 * and goes and flaps the alert. With the default checkpoint_timeout of
 * 5 minutes, an hour contains a checkpoint at least every 5 minutes, even on
 * an idle server, because num_timed counts skipped checkpoints too
 * (PostgreSQL 17 documentation of pg_stat_checkpointer). A longer window
 * would react more slowly to a new burst of requested checkpoints.
 */
export const CHECKPOINT_RATIO_WINDOW_SECONDS = 3600;

/** Checkpoints started within the checkpoint ratio window. */
export interface CheckpointCounts {
  timed: bigint;
  requested: bigint;
}

/**
 * Builds the query summing the checkpoint counter increases between
 * consecutive samples of the window, ending with the current snapshot's
 * counters. As the only row, the current snapshot has no predecessor, so
 * lag() defaults to 0 and its counters count whole.
 */
function checkpointIncreasesSql(serverId: string, at: Date, current: NonNullable<Snapshot['checkpointer']>): Prisma.Sql {
  const windowStart = new Date(at.getTime() - CHECKPOINT_RATIO_WINDOW_SECONDS * 1000);
  return Prisma.sql`
    WITH samples AS (
      SELECT collected_at, checkpoints_timed AS timed, checkpoints_requested AS requested, stats_reset
      FROM checkpointer_samples
      WHERE server_id = ${serverId}::uuid AND collected_at < ${at}
        AND collected_at >= least(${windowStart}::timestamptz,
                                  (SELECT max(collected_at) FROM checkpointer_samples
                                   WHERE server_id = ${serverId}::uuid AND collected_at < ${at}))
      UNION ALL
      SELECT ${at}::timestamptz, ${current.checkpointsTimed}::bigint, ${current.checkpointsRequested}::bigint,
             ${current.statsReset ?? null}::timestamptz
    ),
    steps AS (
      SELECT timed, requested,
             lag(timed, 1, 0::bigint) OVER w AS previous_timed,
             lag(requested, 1, 0::bigint) OVER w AS previous_requested,
             stats_reset IS DISTINCT FROM lag(stats_reset) OVER w AS reset_changed,
             row_number() OVER w AS position,
             count(*) OVER () AS sample_count
      FROM samples
      WINDOW w AS (ORDER BY collected_at)
    ),
    increases AS (
      SELECT reset_changed OR timed < previous_timed OR requested < previous_requested AS reset,
             timed, requested, previous_timed, previous_requested
      FROM steps
      WHERE position > 1 OR sample_count = 1
    )
    SELECT sum(CASE WHEN reset THEN timed ELSE timed - previous_timed END)::bigint AS timed,
           sum(CASE WHEN reset THEN requested ELSE requested - previous_requested END)::bigint AS requested
    FROM increases`;
}

/**
 * Reads the server's checkpointer samples of the last
 * CHECKPOINT_RATIO_WINDOW_SECONDS before the snapshot and returns the
 * checkpoints started since the oldest of them. When the window has no
 * sample, the previous sample is the baseline, however old. Without any
 * earlier sample the counters since their last reset are returned.
 *
 * The increases between consecutive samples are summed, so a reset inside
 * the window loses no checkpoints. When either counter went down or
 * stats_reset changed, pg_stat_reset_shared() or a crash restart zeroed both,
 * so the later values are the whole increase of that step, as in
 * counterDelta.ts. Returns null when the snapshot has no checkpointer
 * statistics.
 */
export async function readCheckpointCounts(
  tx: Prisma.TransactionClient,
  serverId: string,
  snapshot: Snapshot,
): Promise<CheckpointCounts | null> {
  const current = snapshot.checkpointer;
  if (!current) {
    return null;
  }

  const [counts] = await tx.$queryRaw<Array<{ timed: bigint; requested: bigint }>>(
    checkpointIncreasesSql(serverId, snapshot.collectedAt, current),
  );
  return { timed: BigInt(counts?.timed ?? 0n), requested: BigInt(counts?.requested ?? 0n) };
}

/**
 * Reads when each slot that is inactive in this snapshot became inactive:
 * the time of its first inactive sample after its last active one. The
 * snapshot's own samples are already stored in the transaction, so a slot
 * seen inactive for the first time maps to the snapshot's collectedAt. The
 * time is only as precise as the collection interval, because snapshots carry
 * an active flag but not when the slot's last consumer disconnected.
 */
export async function readSlotsInactiveSince(
  tx: Prisma.TransactionClient,
  serverId: string,
  snapshot: Snapshot,
): Promise<Map<string, Date>> {
  const inactive = (snapshot.replicationSlots ?? []).filter((slot) => !slot.active).map((slot) => slot.slotName);
  if (inactive.length === 0) {
    return new Map();
  }

  // NOTE: a slot that was never seen active is looked up over all of its
  // stored samples on every push. The primary key starts with server_id, so
  // this is a range scan of the server's slot history; its cost is unmeasured.
  const rows = await tx.$queryRaw<Array<{ slot_name: string; inactive_since: Date | null }>>`
    SELECT names.slot_name,
           (SELECT min(later.collected_at) FROM replication_slot_samples AS later
            WHERE later.server_id = ${serverId}::uuid AND later.slot_name = names.slot_name
              AND later.collected_at <= ${snapshot.collectedAt}
              AND later.collected_at > coalesce(
                (SELECT max(seen.collected_at) FROM replication_slot_samples AS seen
                 WHERE seen.server_id = ${serverId}::uuid AND seen.slot_name = names.slot_name
                   AND seen.active AND seen.collected_at < ${snapshot.collectedAt}),
                '-infinity'::timestamptz)) AS inactive_since
    FROM (VALUES ${Prisma.join(inactive.map((name) => Prisma.sql`(${name}::text)`))}) AS names (slot_name)`;

  const since = new Map<string, Date>();
  for (const row of rows) {
    since.set(row.slot_name, row.inactive_since ?? snapshot.collectedAt);
  }
  return since;
}
