import { randomUUID } from 'node:crypto';
import type { Alert, AlertRule, Prisma } from '../generated/prisma/client.js';
import type { MetricName } from '../generated/graphql.js';
import type { MetricValues } from './computeMetricValues.js';
import { describeAlert } from './describeAlert.js';
import { evaluateRule, type OpenAlertState, type Transition } from './evaluateRule.js';
import { recordAlertChanges, type AlertChange } from './recordAlertChanges.js';

const keyOf = (rule: string, subject: string) => `${rule}\u0000${subject}`;

/** Reads the enabled rules that apply to a server: to all servers, to it, or to one of its labels. */
export async function readApplicableRules(tx: Prisma.TransactionClient, serverId: string): Promise<AlertRule[]> {
  const server = await tx.monitoredServer.findUniqueOrThrow({ where: { id: serverId }, select: { labels: true } });
  const labels = server.labels ?? [];
  return tx.alertRule.findMany({
    where: {
      enabled: true,
      OR: [
        { scope: 'ALL_SERVERS' },
        { scope: 'SERVER', serverId },
        ...(labels.length > 0 ? [{ scope: 'LABEL' as const, label: { in: labels } }] : []),
      ],
    },
    orderBy: { key: 'asc' },
  });
}

function toOpenState(alert: Alert): OpenAlertState {
  return { state: alert.state === 'PENDING' ? 'PENDING' : 'FIRING', severity: alert.severity, openedAt: alert.openedAt };
}

/** Turns a transition into the row changes it makes; null when nothing changes. */
function changeFor(
  serverId: string,
  rule: AlertRule,
  subject: string,
  value: number,
  open: Alert | undefined,
  transition: Transition,
  at: Date,
): AlertChange | null {
  switch (transition.kind) {
    case 'none':
      return null;
    case 'open': {
      const { crossing, state } = transition;
      const alert: Alert = {
        id: randomUUID(), serverId, ruleId: rule.id, rule: rule.key, subject, severity: crossing.severity, state,
        value, threshold: crossing.threshold, message: describeAlert(rule, subject, value, crossing),
        openedAt: at, firedAt: state === 'FIRING' ? at : null, updatedAt: at, resolvedAt: null,
        acknowledgedAt: null, acknowledgedBy: null,
      };
      return { kind: 'created', alert, event: state };
    }
    case 'fire':
    case 'update': {
      if (open === undefined) {
        return null;
      }
      const { crossing } = transition;
      const firing = transition.kind === 'fire' || open.state === 'FIRING';
      const alert: Alert = {
        ...open, severity: crossing.severity, value, threshold: crossing.threshold,
        message: describeAlert(rule, subject, value, crossing), updatedAt: at,
        state: firing ? 'FIRING' : 'PENDING', firedAt: transition.kind === 'fire' ? at : open.firedAt,
      };
      if (transition.kind === 'fire') {
        return { kind: 'updated', alert, event: 'FIRING' };
      }
      return { kind: 'updated', alert, event: transition.severityChanged ? 'SEVERITY_CHANGED' : null };
    }
    case 'resolve':
    case 'discard':
      return closingChange(open, transition.kind, at);
  }
}

function closingChange(open: Alert | undefined, kind: 'resolve' | 'discard', at: Date): AlertChange | null {
  if (open === undefined) {
    return null;
  }
  if (kind === 'discard') {
    return { kind: 'discarded', alert: open, event: null };
  }
  return { kind: 'updated', alert: { ...open, state: 'RESOLVED', resolvedAt: at, updatedAt: at }, event: 'RESOLVED' };
}

/**
 * Evaluates the rules that apply to a server against one snapshot's metric
 * values at `at` (the snapshot's collectedAt) and stores the outcome: alerts
 * opened, fired, changed, resolved or discarded, their history, and the
 * notifications to send. An open alert whose rule no longer applies or whose
 * subject is gone ends. Returns the number of alerts firing afterwards.
 */
export async function applyRuleEvaluation(
  tx: Prisma.TransactionClient,
  serverId: string,
  values: MetricValues,
  at: Date,
  queuedAt: Date,
): Promise<number> {
  const rules = await readApplicableRules(tx, serverId);
  const open = await tx.alert.findMany({ where: { serverId, state: { in: ['PENDING', 'FIRING'] } } });
  const openByKey = new Map(open.map((alert) => [keyOf(alert.rule, alert.subject), alert]));
  const changes: AlertChange[] = [];

  for (const rule of rules) {
    for (const { subject, value } of values.get(rule.metric as MetricName) ?? []) {
      const key = keyOf(rule.key, subject);
      const existing = openByKey.get(key);
      openByKey.delete(key);
      const change = changeFor(serverId, rule, subject, value, existing, evaluateRule(rule, existing && toOpenState(existing), value, at), at);
      if (change) {
        changes.push(change);
      }
    }
  }

  for (const stale of openByKey.values()) {
    const change = closingChange(stale, stale.state === 'PENDING' ? 'discard' : 'resolve', at);
    if (change) {
      changes.push(change);
    }
  }

  await recordAlertChanges(tx, changes, queuedAt);
  return tx.alert.count({ where: { serverId, state: 'FIRING' } });
}
