import type { Prisma } from '../generated/prisma/client.js';
import type { AlertCheck } from './defaultAlertRules.js';

const keyOf = (rule: string, subject: string) => `${rule}\u0000${subject}`;

/**
 * Opens, updates and resolves a server's alerts from the checks of its latest
 * snapshot. An alert that is already firing changes severity in place, so a
 * warning that becomes critical stays one alert. An open alert with no check
 * this time (a standby or database that went away) is resolved. Returns the
 * number of alerts firing afterwards.
 */
export async function applyAlertChecks(
  tx: Prisma.TransactionClient,
  serverId: string,
  checks: AlertCheck[],
  at: Date,
): Promise<number> {
  const open = await tx.alert.findMany({ where: { serverId, state: 'FIRING' } });
  const openByKey = new Map(open.map((alert) => [keyOf(alert.rule, alert.subject), alert]));
  const toCreate: Prisma.AlertCreateManyInput[] = [];
  let firing = 0;

  for (const check of checks) {
    const key = keyOf(check.rule, check.subject);
    const existing = openByKey.get(key);
    openByKey.delete(key);
    const fields = { value: check.value, threshold: check.threshold, message: check.message, updatedAt: at };

    if (check.severity === null) {
      if (existing) {
        await tx.alert.update({ where: { id: existing.id }, data: { ...fields, state: 'RESOLVED', resolvedAt: at } });
      }
      continue;
    }
    firing += 1;
    if (existing) {
      await tx.alert.update({ where: { id: existing.id }, data: { ...fields, severity: check.severity } });
    } else {
      toCreate.push({ ...fields, serverId, rule: check.rule, subject: check.subject, severity: check.severity, state: 'FIRING', openedAt: at });
    }
  }

  if (toCreate.length > 0) {
    await tx.alert.createMany({ data: toCreate });
  }
  const gone = [...openByKey.values()].map((alert) => alert.id);
  if (gone.length > 0) {
    await tx.alert.updateMany({ where: { id: { in: gone } }, data: { state: 'RESOLVED', resolvedAt: at, updatedAt: at } });
  }
  return firing;
}
