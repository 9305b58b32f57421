import type { GraphQLContext } from '../context.js';
import { Prisma, type MonitoredServer } from '../generated/prisma/client.js';
import { BadUserInputError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import { recordAlertChanges, type AlertChange } from '../alerts/recordAlertChanges.js';
import { requireUuid } from '../graphql/requireUuid.js';

/**
 * Marks servers as retired and closes their open alerts in the caller's
 * transaction: a firing alert resolves, and notifies as any resolve does,
 * and a pending one is dropped, as when its condition clears before it
 * fires. Servers already retired are skipped and keep their first
 * retirement time. The UPDATE locks each row, so a concurrent call for the
 * same server waits and then skips it. Returns how many alerts were closed.
 */
export async function retireServers(tx: Prisma.TransactionClient, serverIds: string[], now: Date): Promise<number> {
  if (serverIds.length === 0) {
    return 0;
  }

  const ids = Prisma.join(serverIds.map((id) => Prisma.sql`${id}::uuid`));
  const retired = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE monitored_servers SET retired_at = ${now}
    WHERE id IN (${ids}) AND retired_at IS NULL
    RETURNING id`;
  if (retired.length === 0) {
    return 0;
  }

  const open = await tx.alert.findMany({ where: { serverId: { in: retired.map((row) => row.id) }, state: { in: ['PENDING', 'FIRING'] } } });
  const changes: AlertChange[] = open.map((alert) =>
    alert.state === 'PENDING'
      ? { kind: 'discarded', alert, event: null }
      : { kind: 'updated', alert: { ...alert, state: 'RESOLVED', resolvedAt: now, updatedAt: now }, event: 'RESOLVED' },
  );
  if (changes.length > 0) {
    await recordAlertChanges(tx, changes, now);
  }
  return changes.length;
}

/** Retires one server for retireServer, with an audit event, and returns it. */
export async function retireServer(context: GraphQLContext, id: string): Promise<MonitoredServer> {
  const { services } = context;
  const serverId = requireUuid(id, 'id');
  const server = await services.prisma.monitoredServer.findUnique({ where: { id: serverId } });
  if (!server) {
    throw new BadUserInputError(`No server has id ${serverId}`, 'id');
  }
  if (server.retiredAt !== null) {
    return server;
  }

  const now = services.now();
  const closedAlerts = await services.prisma.$transaction(async (tx) => {
    const closed = await retireServers(tx, [serverId], now);
    const target = { type: 'server' as const, id: serverId, name: `${server.host}:${server.port}` };
    await recordAuditEvent(tx, auditOriginOf(context), { action: 'SERVER_RETIRED', target, details: { closedAlerts: closed } }, now);
    return closed;
  });
  context.logger.info({ event: 'server_retired', serverId, closedAlerts }, 'server retired');
  return services.prisma.monitoredServer.findUniqueOrThrow({ where: { id: serverId } });
}
