import type { Alert, MonitoredServer } from '../generated/prisma/client.js';
import type { NotificationChannelKind } from '../generated/prisma/enums.js';

/** FIRING, SEVERITY_CHANGED and RESOLVED come from alerts; TEST from testNotificationChannel. */
export type NotificationEvent = 'FIRING' | 'SEVERITY_CHANGED' | 'RESOLVED' | 'TEST';

export type PayloadServer = Pick<MonitoredServer, 'id' | 'host' | 'port'>;

/** The JSON document a WEBHOOK channel receives; the README documents its fields. */
export interface WebhookPayload {
  event: NotificationEvent;
  alert: {
    id: string;
    rule: string;
    subject: string;
    severity: string;
    state: string;
    value: number;
    threshold: number;
    message: string;
    openedAt: string;
    firedAt: string | null;
    resolvedAt: string | null;
  } | null;
  server: { id: string; host: string; port: number } | null;
  message: string;
}

function summary(event: NotificationEvent, alert: Alert | null, server: PayloadServer | null): string {
  if (alert === null || server === null) {
    return 'Test message from pgAnalytics: this channel receives alert notifications.';
  }
  const where = `${server.host}:${server.port}`;
  if (event === 'RESOLVED') {
    // The alert's message describes the last value that crossed a threshold, so it is quoted as history.
    const subject = alert.subject === '' ? '' : ` (${alert.subject})`;
    return `[RESOLVED] ${where} ${alert.rule}${subject} is back to normal; it was: ${alert.message}`;
  }
  return `[${alert.severity}] ${where} ${alert.message}`;
}

function webhookBody(event: NotificationEvent, alert: Alert | null, server: PayloadServer | null): WebhookPayload {
  return {
    event,
    alert: alert && {
      id: alert.id,
      rule: alert.rule,
      subject: alert.subject,
      severity: alert.severity,
      state: alert.state,
      value: alert.value,
      threshold: alert.threshold,
      message: alert.message,
      openedAt: alert.openedAt.toISOString(),
      firedAt: alert.firedAt?.toISOString() ?? null,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    },
    server: server && { id: server.id, host: server.host, port: server.port },
    message: summary(event, alert, server),
  };
}

/**
 * Builds the request body of a notification for a channel kind. The body is
 * stored with the delivery, so every retry sends the same bytes; only the
 * timestamp and signature headers change per attempt.
 */
export function buildPayload(
  kind: NotificationChannelKind,
  event: NotificationEvent,
  alert: Alert | null,
  server: PayloadServer | null,
): string {
  if (kind === 'SLACK') {
    return JSON.stringify({ text: summary(event, alert, server) });
  }
  return JSON.stringify(webhookBody(event, alert, server));
}
