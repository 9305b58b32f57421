import type { Prisma } from '../generated/prisma/client.js';
import { counterDelta } from './counterDelta.js';
import type { Snapshot } from './validateSnapshot.js';

/**
 * Share of block reads served from shared buffers since the server's previous
 * snapshot, over all databases. Without a previous snapshot it uses the
 * counters since their last reset. Returns null when no block was read.
 */
export async function intervalCacheHitRatio(
  tx: Prisma.TransactionClient,
  serverId: string,
  snapshot: Snapshot,
): Promise<number | null> {
  const previousRows = await tx.$queryRaw<{ datname: string; blks_hit: bigint; blks_read: bigint; stats_reset: Date | null }[]>`
    SELECT datname, blks_hit, blks_read, stats_reset FROM database_samples
    WHERE server_id = ${serverId}::uuid
      AND collected_at = (SELECT max(collected_at) FROM database_samples
                          WHERE server_id = ${serverId}::uuid AND collected_at < ${snapshot.collectedAt})`;
  const previous = new Map(previousRows.map((row) => [row.datname, row]));

  let hit = 0n;
  let read = 0n;
  for (const database of snapshot.databases) {
    const before = previous.get(database.datname);
    if (before === undefined && previous.size > 0) {
      // A database that appeared since the previous snapshot has no interval yet.
      continue;
    }
    hit += before ? counterDelta(database.blksHit, BigInt(before.blks_hit), database.statsReset, before.stats_reset) : database.blksHit;
    read += before ? counterDelta(database.blksRead, BigInt(before.blks_read), database.statsReset, before.stats_reset) : database.blksRead;
  }

  const total = hit + read;
  return total === 0n ? null : Number(hit) / Number(total);
}
