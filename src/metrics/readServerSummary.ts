import type { PrismaClient } from '../generated/prisma/client.js';

export interface ServerSummary {
  collectedAt: Date;
  connections: number;
  connectionUtilization: number;
  cacheHitRatio: number | null;
  openAlerts: number;
}

/**
 * Summarises a server's latest snapshot. The cache hit ratio covers the
 * interval since the snapshot before it, or the counters since their reset
 * when there is only one. Returns null before the first snapshot.
 */
export async function readServerSummary(prisma: PrismaClient, serverId: string): Promise<ServerSummary | null> {
  const latest = await prisma.activitySample.findFirst({ where: { serverId }, orderBy: { collectedAt: 'desc' } });
  if (!latest) {
    return null;
  }

  const ratioRows = await prisma.$queryRaw<{ ratio: number | null }[]>`
    WITH recent AS (
      SELECT collected_at, datname, blks_hit, blks_read, stats_reset,
             lag(blks_hit) OVER w AS previous_hit, lag(blks_read) OVER w AS previous_read,
             lag(collected_at) OVER w AS previous_at,
             stats_reset IS DISTINCT FROM lag(stats_reset) OVER w AS reset_changed
      FROM database_samples
      WHERE server_id = ${serverId}::uuid
        AND collected_at IN (SELECT DISTINCT collected_at FROM database_samples WHERE server_id = ${serverId}::uuid
                             AND collected_at <= ${latest.collectedAt} ORDER BY collected_at DESC LIMIT 2)
      WINDOW w AS (PARTITION BY datname ORDER BY collected_at)
    ),
    latest AS (
      SELECT
        CASE WHEN previous_at IS NULL OR blks_hit < previous_hit OR reset_changed THEN blks_hit ELSE blks_hit - previous_hit END AS hit,
        CASE WHEN previous_at IS NULL OR blks_read < previous_read OR reset_changed THEN blks_read ELSE blks_read - previous_read END AS read
      FROM recent WHERE collected_at = ${latest.collectedAt}
    )
    SELECT CASE WHEN sum(hit + read) > 0 THEN (sum(hit)::float8 / sum(hit + read)::float8) END AS ratio FROM latest`;
  const openAlerts = await prisma.alert.count({ where: { serverId, state: 'FIRING' } });

  return {
    collectedAt: latest.collectedAt,
    connections: latest.totalConnections,
    connectionUtilization: latest.totalConnections / latest.maxConnections,
    cacheHitRatio: ratioRows[0]?.ratio ?? null,
    openAlerts,
  };
}
