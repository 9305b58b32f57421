import type { Alert, Prisma } from '../generated/prisma/client.js';
import { enqueueAlertNotifications } from '../notifications/enqueueAlertNotifications.js';
import type { NotificationEvent } from '../notifications/buildPayload.js';

/** Event kinds of alert history, besides ACKNOWLEDGED which acknowledgeAlert records. */
export type AlertEventKind = 'PENDING' | 'FIRING' | 'SEVERITY_CHANGED' | 'RESOLVED';

/**
 * One alert row to write. `alert` is the row after the change; `event` is the
 * history entry it adds, null for a value-only update or a discarded pending alert.
 */
export interface AlertChange {
  kind: 'created' | 'updated' | 'discarded';
  alert: Alert;
  event: AlertEventKind | null;
}

/** Events that reach notification channels: pending alerts stay quiet until they fire. */
const NOTIFIED: ReadonlySet<AlertEventKind> = new Set(['FIRING', 'SEVERITY_CHANGED', 'RESOLVED']);

function isNotified(change: AlertChange): boolean {
  if (change.event === null || !NOTIFIED.has(change.event)) {
    return false;
  }
  return change.event !== 'SEVERITY_CHANGED' || change.alert.state === 'FIRING';
}

/**
 * Writes alert changes, their history events and their notifications in the
 * caller's transaction. New alerts go in one multi-row insert; `queuedAt`
 * is when the notifications become due.
 */
export async function recordAlertChanges(tx: Prisma.TransactionClient, changes: AlertChange[], queuedAt: Date): Promise<void> {
  const created = changes.filter((change) => change.kind === 'created').map((change) => change.alert);
  if (created.length > 0) {
    await tx.alert.createMany({ data: created });
  }

  for (const change of changes.filter((candidate) => candidate.kind === 'updated')) {
    const { id, serverId: _serverId, ruleId: _ruleId, ...fields } = change.alert;
    await tx.alert.update({ where: { id }, data: fields });
  }

  const discarded = changes.filter((change) => change.kind === 'discarded').map((change) => change.alert.id);
  if (discarded.length > 0) {
    await tx.alert.deleteMany({ where: { id: { in: discarded } } });
  }

  const events = changes.flatMap((change) =>
    change.event === null
      ? []
      : [{ alertId: change.alert.id, at: change.alert.updatedAt, kind: change.event, state: change.alert.state, severity: change.alert.severity, value: change.alert.value }],
  );
  if (events.length > 0) {
    await tx.alertEvent.createMany({ data: events });
  }

  const notified = changes.filter(isNotified).map((change) => ({ alert: change.alert, event: change.event as NotificationEvent }));
  await enqueueAlertNotifications(tx, notified, queuedAt);
}
