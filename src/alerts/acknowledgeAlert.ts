import type { Alert, PrismaClient } from '../generated/prisma/client.js';
import { BadUserInputError, ConflictError } from '../errors.js';

/**
 * Records who acknowledged an open alert and when, and adds an ACKNOWLEDGED
 * history event. A second acknowledgement keeps the first record and
 * returns the alert unchanged. A resolved alert cannot be acknowledged.
 */
export async function acknowledgeAlert(prisma: PrismaClient, id: string, username: string, now: Date): Promise<Alert> {
  return prisma.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({ where: { id } });
    if (!alert) {
      throw new BadUserInputError(`No alert has id ${id}`, 'id');
    }
    if (alert.state === 'RESOLVED') {
      throw new ConflictError(`Alert ${id} is resolved and cannot be acknowledged`);
    }
    if (alert.acknowledgedAt !== null) {
      return alert;
    }

    const updated = await tx.alert.update({ where: { id }, data: { acknowledgedAt: now, acknowledgedBy: username } });
    await tx.alertEvent.create({
      data: { alertId: id, at: now, kind: 'ACKNOWLEDGED', state: alert.state, severity: alert.severity, value: alert.value, actor: username },
    });
    return updated;
  });
}
