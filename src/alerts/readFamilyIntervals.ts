import { Prisma } from '../generated/prisma/client.js';
import type { Snapshot } from '../metrics/validateSnapshot.js';

/** Checkpoints started since the previous checkpointer sample of the server. */
export interface CheckpointCounts {
  timed: bigint;
  requested: bigint;
}

interface PreviousCheckpointer {
  checkpoints_timed: bigint;
  checkpoints_requested: bigint;
  stats_reset: Date | null;
}

/**
 * Reads the server's previous checkpointer sample and returns the
 * checkpoints started since then. Without a previous sample the counters
 * since their last reset are returned. When either counter went down or
 * stats_reset changed, pg_stat_reset_shared() or a crash restart zeroed both,
 * so the current values are the whole increase, as in counterDelta.ts.
 * Returns null when the snapshot has no checkpointer statistics.
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

  const [previous] = await tx.$queryRaw<PreviousCheckpointer[]>`
    SELECT checkpoints_timed, checkpoints_requested, stats_reset
    FROM checkpointer_samples
    WHERE server_id = ${serverId}::uuid AND collected_at < ${snapshot.collectedAt}
    ORDER BY collected_at DESC
    LIMIT 1`;
  const counts = { timed: current.checkpointsTimed, requested: current.checkpointsRequested };
  if (previous === undefined) {
    return counts;
  }

  const before = { timed: BigInt(previous.checkpoints_timed), requested: BigInt(previous.checkpoints_requested) };
  const resetChanged = (current.statsReset?.getTime() ?? null) !== (previous.stats_reset?.getTime() ?? null);
  if (resetChanged || counts.timed < before.timed || counts.requested < before.requested) {
    return counts;
  }
  return { timed: counts.timed - before.timed, requested: counts.requested - before.requested };
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
