import { randomUUID } from 'node:crypto';
import type { Alert, PrismaClient } from '../generated/prisma/client.js';
import { readCollectorDefaults } from '../servers/collectorDefaults.js';
import { recordAlertChanges, type AlertChange } from './recordAlertChanges.js';
import { NOT_REPORTING_RULE } from './validateAlertRule.js';

interface ServerClock {
  id: string;
  lastSeenAt: Date;
  intervalSeconds: number;
}

async function readServerClocks(prisma: PrismaClient): Promise<ServerClock[]> {
  const defaults = await readCollectorDefaults(prisma);
  const servers = await prisma.monitoredServer.findMany({
    where: { retiredAt: null },
    select: { id: true, lastSeenAt: true, config: { select: { intervalSeconds: true } } },
  });
  return servers.map((server) => ({
    id: server.id,
    lastSeenAt: server.lastSeenAt,
    intervalSeconds: server.config?.intervalSeconds ?? defaults.intervalSeconds,
  }));
}

function openAlert(server: ServerClock, silentSeconds: number, limitSeconds: number, now: Date): Alert {
  const minutes = (silentSeconds / 60).toFixed(1);
  return {
    id: randomUUID(), serverId: server.id, ruleId: null, rule: NOT_REPORTING_RULE, subject: '',
    severity: 'CRITICAL', state: 'FIRING', value: silentSeconds, threshold: limitSeconds,
    message: `${NOT_REPORTING_RULE}: no snapshot for ${minutes} min, more than ${limitSeconds / server.intervalSeconds} intervals of ${server.intervalSeconds} s`,
    openedAt: now, firedAt: now, updatedAt: now, resolvedAt: null, acknowledgedAt: null, acknowledgedBy: null,
  };
}

/**
 * Opens a server_not_reporting alert for each server whose newest snapshot
 * is older than `missedIntervals` of its collection interval, and resolves
 * the alert of a server that reports again (a push resolves it first in the
 * usual case). `now` is injected so tests move time without waiting.
 * Returns how many alerts were opened and resolved.
 */
export async function checkNotReporting(
  prisma: PrismaClient,
  now: Date,
  missedIntervals: number,
): Promise<{ opened: number; resolved: number }> {
  const servers = await readServerClocks(prisma);
  const open = await prisma.alert.findMany({ where: { rule: NOT_REPORTING_RULE, state: { in: ['PENDING', 'FIRING'] } } });
  const openByServer = new Map(open.map((alert) => [alert.serverId, alert]));
  const changes: AlertChange[] = [];

  for (const server of servers) {
    const silentSeconds = (now.getTime() - server.lastSeenAt.getTime()) / 1000;
    const limitSeconds = missedIntervals * server.intervalSeconds;
    const existing = openByServer.get(server.id);
    if (silentSeconds > limitSeconds && existing === undefined) {
      changes.push({ kind: 'created', alert: openAlert(server, silentSeconds, limitSeconds, now), event: 'FIRING' });
    } else if (silentSeconds <= limitSeconds && existing !== undefined) {
      changes.push({ kind: 'updated', alert: { ...existing, state: 'RESOLVED', resolvedAt: now, updatedAt: now }, event: 'RESOLVED' });
    }
  }

  if (changes.length > 0) {
    await prisma.$transaction((tx) => recordAlertChanges(tx, changes, now));
  }
  return {
    opened: changes.filter((change) => change.kind === 'created').length,
    resolved: changes.filter((change) => change.kind === 'updated').length,
  };
}
