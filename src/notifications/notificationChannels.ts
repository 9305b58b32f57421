import { randomBytes } from 'node:crypto';
import type { NotificationChannel, NotificationDelivery, PrismaClient } from '../generated/prisma/client.js';
import type { CreateNotificationChannelInput, UpdateNotificationChannelInput } from '../generated/graphql.js';
import { BadUserInputError, ConflictError } from '../errors.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { buildPayload } from './buildPayload.js';
import { validateWebhookUrl } from './validateWebhookUrl.js';

function checkName(name: string, field: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw new BadUserInputError('name must be 1 to 100 characters', field);
  }
  return trimmed;
}

function conflictOnName<T>(name: string): (error: unknown) => T {
  return (error) => {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`A notification channel named ${name} already exists`);
    }
    throw error;
  };
}

/** Creates a channel with a new random signing secret, returned here and never again. */
export async function createNotificationChannel(
  prisma: PrismaClient,
  input: CreateNotificationChannelInput,
  createdBy: string,
  now: Date,
): Promise<{ channel: NotificationChannel; secret: string }> {
  const name = checkName(input.name, 'input.name');
  const url = validateWebhookUrl(input.url);
  const secret = randomBytes(32).toString('base64url');

  const channel = await prisma.notificationChannel
    .create({ data: { name, kind: input.kind, url, secret, enabled: input.enabled ?? true, createdBy, createdAt: now } })
    .catch(conflictOnName<NotificationChannel>(name));
  return { channel, secret };
}

export async function updateNotificationChannel(
  prisma: PrismaClient,
  id: string,
  input: UpdateNotificationChannelInput,
): Promise<NotificationChannel> {
  const name = input.name == null ? undefined : checkName(input.name, 'input.name');
  if (!(await prisma.notificationChannel.findUnique({ where: { id }, select: { id: true } }))) {
    throw new BadUserInputError(`No notification channel has id ${id}`, 'id');
  }
  return prisma.notificationChannel
    .update({ where: { id }, data: { ...(name ? { name } : {}), ...(input.enabled != null ? { enabled: input.enabled } : {}) } })
    .catch(conflictOnName<NotificationChannel>(name ?? ''));
}

/** Deletes a channel with its deliveries. Returns false when no channel had the id. */
export async function deleteNotificationChannel(prisma: PrismaClient, id: string): Promise<boolean> {
  const { count } = await prisma.notificationChannel.deleteMany({ where: { id } });
  return count > 0;
}

/** Queues a TEST delivery to a channel, enabled or not, for the delivery worker to send. */
export async function testNotificationChannel(prisma: PrismaClient, id: string, now: Date): Promise<NotificationDelivery> {
  const channel = await prisma.notificationChannel.findUnique({ where: { id } });
  if (!channel) {
    throw new BadUserInputError(`No notification channel has id ${id}`, 'id');
  }
  return prisma.notificationDelivery.create({
    data: {
      channelId: id, event: 'TEST', payload: buildPayload(channel.kind, 'TEST', null, null),
      status: 'PENDING', nextAttemptAt: now, createdAt: now,
    },
  });
}
