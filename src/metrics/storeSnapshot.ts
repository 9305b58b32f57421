import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { ConflictError } from '../errors.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { insertFamilySamples } from './insertFamilySamples.js';
import { applyRuleEvaluation } from '../alerts/applyRuleEvaluation.js';
import { computeMetricValues } from '../alerts/computeMetricValues.js';
import { readIntervalCounters } from '../alerts/readIntervalCounters.js';
import type { Snapshot } from './validateSnapshot.js';

export interface StoreResult {
  serverId: string;
  /** False when the snapshot id was stored before. */
  stored: boolean;
  openAlerts: number;
  /** True when this snapshot made a retired server active again. */
  reactivated?: boolean;
}

/** Thrown inside the transaction to roll it back when a concurrent push stored the same id first. */
class DuplicateSnapshot extends Error {}

function serverIdentity(server: Snapshot['server']): string {
  return server.systemIdentifier ? `sysid:${server.systemIdentifier}` : `addr:${server.host}:${server.port}`;
}

/**
 * Finds or creates the monitored server and, when this snapshot is the newest
 * seen, updates its identity fields. A replayed older snapshot leaves them
 * alone. A snapshot collected after the server was retired makes it active
 * again. Returns the server id, whether the snapshot is the newest, and
 * whether the server is active at the snapshot's time.
 */
async function upsertServer(tx: Prisma.TransactionClient, collectorId: string, snapshot: Snapshot) {
  const identity = serverIdentity(snapshot.server);
  const { host, port, version, maxConnections } = snapshot.server;
  const fields = { host, port, version, maxConnections, systemIdentifier: snapshot.server.systemIdentifier ?? null, startedAt: snapshot.server.startedAt ?? null };

  await tx.$executeRaw`
    INSERT INTO monitored_servers (id, collector_id, identity, host, port, version, system_identifier, max_connections, started_at, first_seen_at, last_seen_at)
    VALUES (${randomUUID()}::uuid, ${collectorId}::uuid, ${identity}, ${host}, ${port}, ${version}, ${fields.systemIdentifier},
            ${maxConnections}, ${fields.startedAt}, ${snapshot.collectedAt}, ${snapshot.collectedAt})
    ON CONFLICT (collector_id, identity) DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: string; last_seen_at: Date; retired_at: Date | null }[]>`
    SELECT id, last_seen_at, retired_at FROM monitored_servers
    WHERE collector_id = ${collectorId}::uuid AND identity = ${identity} FOR UPDATE`;
  const row = rows[0];
  if (!row) {
    throw new Error('monitored server row missing after insert');
  }

  const isNewest = snapshot.collectedAt.getTime() >= row.last_seen_at.getTime();
  // A collector catching up after an outage can deliver snapshots taken before the retirement; they do not undo it.
  const retired = row.retired_at !== null && snapshot.collectedAt.getTime() <= row.retired_at.getTime();
  const reactivated = isNewest && row.retired_at !== null && !retired;
  if (isNewest) {
    const retiredAt = reactivated ? { retiredAt: null } : {};
    await tx.monitoredServer.update({ where: { id: row.id }, data: { ...fields, lastSeenAt: snapshot.collectedAt, ...retiredAt } });
  }
  return { serverId: row.id, isNewest, active: !retired, reactivated };
}

async function insertSamples(tx: Prisma.TransactionClient, serverId: string, snapshot: Snapshot): Promise<void> {
  const key = { serverId, collectedAt: snapshot.collectedAt, snapshotId: snapshot.snapshotId };

  await tx.activitySample.create({ data: { ...key, ...snapshot.activity, maxConnections: snapshot.server.maxConnections } });
  if (snapshot.databases.length > 0) {
    await tx.databaseSample.createMany({
      data: snapshot.databases.map((database) => ({ ...key, ...database, statsReset: database.statsReset ?? null })),
    });
  }
  if (snapshot.locks.length > 0) {
    await tx.lockSample.createMany({ data: snapshot.locks.map((lock) => ({ ...key, ...lock })) });
  }
  if (snapshot.replication.length > 0) {
    await tx.replicationSample.createMany({
      data: snapshot.replication.map((standby) => ({
        ...key,
        ...standby,
        clientAddr: standby.clientAddr ?? null,
        writeLagSeconds: standby.writeLagSeconds ?? null,
        flushLagSeconds: standby.flushLagSeconds ?? null,
        replayLagSeconds: standby.replayLagSeconds ?? null,
      })),
    });
  }
  await insertFamilySamples(tx, key, snapshot);
}

async function existingSnapshot(prisma: PrismaClient, collectorId: string, snapshotId: string): Promise<StoreResult | undefined> {
  const found = await prisma.snapshot.findUnique({ where: { id: snapshotId } });
  if (!found) {
    return undefined;
  }
  if (found.collectorId !== collectorId) {
    throw new ConflictError(`snapshotId ${snapshotId} was already used by another collector`);
  }
  const openAlerts = await prisma.alert.count({ where: { serverId: found.serverId, state: 'FIRING' } });
  return { serverId: found.serverId, stored: false, openAlerts };
}

async function storeInTransaction(
  tx: Prisma.TransactionClient,
  collectorId: string,
  snapshot: Snapshot,
  receivedAt: Date,
): Promise<StoreResult> {
  const { serverId, isNewest, active, reactivated } = await upsertServer(tx, collectorId, snapshot);

  const inserted = await tx.$executeRaw`
    INSERT INTO snapshots (id, collector_id, server_id, collected_at)
    VALUES (${snapshot.snapshotId}::uuid, ${collectorId}::uuid, ${serverId}::uuid, ${snapshot.collectedAt})
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 0) {
    throw new DuplicateSnapshot();
  }
  await insertSamples(tx, serverId, snapshot);
  await tx.collector.update({ where: { id: collectorId }, data: { lastSeenAt: receivedAt } });

  // Alerts follow the newest state only; a replayed older snapshot must not
  // reopen an alert that has since resolved. Rule durations are measured in
  // collectedAt time, so a collector that catches up after an outage
  // evaluates its snapshots as they were taken. A retired server raises none.
  if (!isNewest || !active) {
    const openAlerts = await tx.alert.count({ where: { serverId, state: 'FIRING' } });
    return { serverId, stored: true, openAlerts };
  }
  const values = computeMetricValues(snapshot, await readIntervalCounters(tx, serverId, snapshot));
  const openAlerts = await applyRuleEvaluation(tx, serverId, values, snapshot.collectedAt, receivedAt);
  return { serverId, stored: true, openAlerts, reactivated };
}

/**
 * Stores a validated snapshot in one transaction: the server, the snapshot
 * row, every sample family as one multi-row insert each, and the alert
 * changes. Either all of it is stored or none. A snapshot id seen before is
 * acknowledged with stored = false.
 */
export async function storeSnapshot(
  prisma: PrismaClient,
  collectorId: string,
  snapshot: Snapshot,
  receivedAt: Date,
): Promise<StoreResult> {
  const earlier = await existingSnapshot(prisma, collectorId, snapshot.snapshotId);
  if (earlier) {
    return earlier;
  }

  try {
    return await prisma.$transaction((tx) => storeInTransaction(tx, collectorId, snapshot, receivedAt), { timeout: 30_000 });
  } catch (error) {
    if (error instanceof DuplicateSnapshot) {
      return (await existingSnapshot(prisma, collectorId, snapshot.snapshotId)) ?? Promise.reject(error);
    }
    if (isUniqueViolation(error)) {
      throw new ConflictError(`the server already has a snapshot collected at ${snapshot.collectedAt.toISOString()}`);
    }
    throw error;
  }
}
