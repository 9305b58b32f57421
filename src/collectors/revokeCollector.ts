import type { GraphQLContext } from '../context.js';
import type { Collector } from '../generated/prisma/client.js';
import { BadUserInputError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import { collectorCacheKey } from '../auth/readCredentialState.js';
import { requireUuid } from '../graphql/requireUuid.js';
import { retireServers } from '../servers/retireServers.js';

async function findCollectorOrThrow(context: GraphQLContext, id: string): Promise<Collector> {
  const collector = await context.services.prisma.collector.findUnique({ where: { id: requireUuid(id, 'id') } });
  if (!collector || collector.deletedAt !== null) {
    throw new BadUserInputError(`No collector has id ${id}`, 'id');
  }
  return collector;
}

/**
 * Revokes a collector: every token issued to it stops working at once, and it
 * cannot receive new ones. Its data stays. Revoking twice succeeds.
 */
export async function revokeCollector(context: GraphQLContext, id: string): Promise<Collector> {
  const { services } = context;
  const collector = await findCollectorOrThrow(context, id);
  const revoked = await services.prisma.$transaction(async (tx) => {
    const updated = await tx.collector.update({
      where: { id: collector.id },
      data: { revokedAt: collector.revokedAt ?? services.now(), tokenVersion: { increment: 1 } },
    });
    const target = { type: 'collector' as const, id: collector.id, name: collector.hostname };
    await recordAuditEvent(tx, auditOriginOf(context), { action: 'COLLECTOR_REVOKED', target }, services.now());
    return updated;
  });
  services.credentials.invalidate(collectorCacheKey(collector.id));
  services.metrics.countRevocation('collector_revoked');
  context.logger.info({ event: 'collector_revoked', collectorId: collector.id }, 'collector revoked');
  return revoked;
}

/**
 * Deletes a collector: its tokens stop working and its hostname may
 * register again as a new collector. The row stays, marked deleted, so that
 * the servers and snapshots it pushed are kept. Its servers are retired,
 * because a new registration of the host creates new server rows.
 */
export async function deleteCollector(context: GraphQLContext, id: string): Promise<boolean> {
  const { services } = context;
  const collector = await findCollectorOrThrow(context, id);
  await services.prisma.$transaction(async (tx) => {
    const now = services.now();
    await tx.collector.update({
      where: { id: collector.id },
      // Freeing the certificate lets the host register again with the same one.
      data: { deletedAt: now, revokedAt: collector.revokedAt ?? now, tokenVersion: { increment: 1 }, certificateFingerprint: null },
    });
    const servers = await tx.monitoredServer.findMany({ where: { collectorId: collector.id }, select: { id: true } });
    const closedAlerts = await retireServers(tx, servers.map((server) => server.id), now);
    const target = { type: 'collector' as const, id: collector.id, name: collector.hostname };
    await recordAuditEvent(tx, auditOriginOf(context), { action: 'COLLECTOR_DELETED', target, details: { closedAlerts } }, now);
  });
  services.credentials.invalidate(collectorCacheKey(collector.id));
  services.metrics.countRevocation('collector_deleted');
  context.logger.info({ event: 'collector_deleted', collectorId: collector.id }, 'collector deleted');
  return true;
}
