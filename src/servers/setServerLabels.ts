import type { MonitoredServer, PrismaClient } from '../generated/prisma/client.js';
import { BadUserInputError } from '../errors.js';
import { LABEL_PATTERN } from '../alerts/validateAlertRule.js';

export const MAX_LABELS = 20;

/** Replaces a server's labels after checking each one; duplicates are dropped. */
export async function setServerLabels(prisma: PrismaClient, serverId: string, labels: string[]): Promise<MonitoredServer> {
  if (labels.length > MAX_LABELS) {
    throw new BadUserInputError(`A server has at most ${MAX_LABELS} labels`, 'labels');
  }
  labels.forEach((label, index) => {
    if (!LABEL_PATTERN.test(label)) {
      throw new BadUserInputError('A label is 1 to 63 letters, digits or _ . : / -, starting with a letter or digit', `labels[${index}]`);
    }
  });
  const server = await prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true } });
  if (!server) {
    throw new BadUserInputError(`No server has id ${serverId}`, 'serverId');
  }
  return prisma.monitoredServer.update({ where: { id: serverId }, data: { labels: [...new Set(labels)] } });
}
