import type { AlertSilence, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { BadUserInputError } from '../errors.js';
import { requireUuid } from '../graphql/requireUuid.js';

/** How far ahead a silence may end, so that a forgotten silence cannot mute alerts for good. */
export const MAX_SILENCE_DAYS = 90;
const DAY_MS = 24 * 3600 * 1000;

/** Reads the silences that have not ended at `at`. */
export function readActiveSilences(tx: Prisma.TransactionClient | PrismaClient, at: Date): Promise<AlertSilence[]> {
  return tx.alertSilence.findMany({ where: { endsAt: { gt: at } }, orderBy: { endsAt: 'asc' } });
}

/** True when a silence matches the alert's rule, its server, or both. */
export function isSilenced(silences: AlertSilence[], alert: { rule: string; serverId: string }): boolean {
  return silences.some(
    (silence) =>
      (silence.rule === null || silence.rule === alert.rule) && (silence.serverId === null || silence.serverId === alert.serverId),
  );
}

export interface SilenceInput {
  rule?: string | null;
  serverId?: string | null;
  endsAt: Date;
  comment?: string | null;
}

/** Validates and stores a silence. A silence names a rule, a server or both. */
export async function createSilence(prisma: PrismaClient, input: SilenceInput, createdBy: string, now: Date): Promise<AlertSilence> {
  const rule = input.rule?.trim() || null;
  const serverId = input.serverId ? requireUuid(input.serverId, 'input.serverId') : null;
  if (rule === null && serverId === null) {
    throw new BadUserInputError('A silence needs a rule, a serverId or both', 'input.rule');
  }
  if (rule !== null && rule.length > 64) {
    throw new BadUserInputError('rule must be at most 64 characters', 'input.rule');
  }
  if (input.endsAt.getTime() <= now.getTime()) {
    throw new BadUserInputError('endsAt must be in the future', 'input.endsAt');
  }
  if (input.endsAt.getTime() > now.getTime() + MAX_SILENCE_DAYS * DAY_MS) {
    throw new BadUserInputError(`endsAt must be at most ${MAX_SILENCE_DAYS} days ahead`, 'input.endsAt');
  }
  const comment = input.comment ?? '';
  if (comment.length > 1000) {
    throw new BadUserInputError('comment must be at most 1000 characters', 'input.comment');
  }
  if (serverId !== null && !(await prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true } }))) {
    throw new BadUserInputError(`No server has id ${serverId}`, 'input.serverId');
  }

  return prisma.alertSilence.create({ data: { rule, serverId, endsAt: input.endsAt, comment, createdBy, createdAt: now } });
}
