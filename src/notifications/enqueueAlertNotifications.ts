import type { Alert, Prisma } from '../generated/prisma/client.js';
import { buildPayload, type NotificationEvent } from './buildPayload.js';
import { isSilenced, readActiveSilences } from '../alerts/silences.js';

/**
 * Queues one delivery per enabled channel for each alert change, in the
 * caller's transaction, so a notification exists exactly when the change was
 * stored. Silenced alerts are skipped. The delivery worker sends them.
 */
export async function enqueueAlertNotifications(
  tx: Prisma.TransactionClient,
  items: Array<{ alert: Alert; event: NotificationEvent }>,
  queuedAt: Date,
): Promise<number> {
  if (items.length === 0) {
    return 0;
  }
  const channels = await tx.notificationChannel.findMany({ where: { enabled: true } });
  if (channels.length === 0) {
    return 0;
  }

  const silences = await readActiveSilences(tx, queuedAt);
  const audible = items.filter(({ alert }) => !isSilenced(silences, alert));
  const serverIds = [...new Set(audible.map(({ alert }) => alert.serverId))];
  const servers = await tx.monitoredServer.findMany({ where: { id: { in: serverIds } }, select: { id: true, host: true, port: true } });
  const serverById = new Map(servers.map((server) => [server.id, server]));

  const data = audible.flatMap(({ alert, event }) =>
    channels.map((channel) => ({
      channelId: channel.id,
      alertId: alert.id,
      event,
      payload: buildPayload(channel.kind, event, alert, serverById.get(alert.serverId) ?? null),
      status: 'PENDING' as const,
      nextAttemptAt: queuedAt,
      createdAt: queuedAt,
    })),
  );
  if (data.length > 0) {
    await tx.notificationDelivery.createMany({ data });
  }
  return data.length;
}
