import type { FastifyBaseLogger } from 'fastify';
import type { NotificationChannel, NotificationDelivery, PrismaClient } from '../generated/prisma/client.js';
import { sendWebhook, type SendOutcome } from './sendWebhook.js';

export interface DeliveryOptions {
  now: () => Date;
  logger: FastifyBaseLogger;
  /** Attempts before a delivery is FAILED. */
  maxAttempts: number;
  /** Delay after the first failure; each further failure doubles it up to maxDelayMs. */
  retryBaseMs: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  batchSize?: number;
  fetch?: typeof fetch;
}

/** How long a claimed delivery stays hidden from other workers; a crash mid-send retries after it. */
const CLAIM_MS = 120_000;

/** Returns the delay before the next attempt after `attempts` failures: base, 2 x base, 4 x base, ... */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** Marks a delivery as taken by this worker. Returns false when another worker took it first. */
async function claim(prisma: PrismaClient, delivery: NotificationDelivery, now: Date): Promise<boolean> {
  const { count } = await prisma.notificationDelivery.updateMany({
    where: { id: delivery.id, status: 'PENDING', nextAttemptAt: delivery.nextAttemptAt },
    data: { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

async function attempt(delivery: NotificationDelivery, channel: NotificationChannel, options: DeliveryOptions): Promise<SendOutcome> {
  if (!channel.enabled && delivery.event !== 'TEST') {
    return { ok: false, statusCode: null, error: 'channel is disabled', durationMs: 0 };
  }
  return sendWebhook({
    url: channel.url,
    secret: channel.secret,
    body: delivery.payload,
    deliveryId: delivery.id,
    event: delivery.event,
    now: options.now(),
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch ?? fetch,
  });
}

async function record(prisma: PrismaClient, delivery: NotificationDelivery, outcome: SendOutcome, options: DeliveryOptions): Promise<void> {
  const now = options.now();
  const attempts = delivery.attempts + 1;
  const exhausted = attempts >= options.maxAttempts || outcome.error === 'channel is disabled';
  let status: 'DELIVERED' | 'FAILED' | 'PENDING' = 'PENDING';
  if (outcome.ok) {
    status = 'DELIVERED';
  } else if (exhausted) {
    status = 'FAILED';
  }
  const nextAttemptAt =
    status === 'PENDING' ? new Date(now.getTime() + retryDelayMs(attempts, options.retryBaseMs, options.maxDelayMs ?? 3_600_000)) : null;

  await prisma.$transaction([
    prisma.deliveryAttempt.create({
      data: { deliveryId: delivery.id, attemptedAt: now, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs },
    }),
    prisma.notificationDelivery.update({
      where: { id: delivery.id },
      data: { attempts, status, nextAttemptAt, deliveredAt: outcome.ok ? now : null },
    }),
  ]);

  const fields = { deliveryId: delivery.id, channelId: delivery.channelId, event: delivery.event, attempt: attempts, statusCode: outcome.statusCode };
  if (outcome.ok) {
    options.logger.info(fields, 'notification delivered');
  } else {
    options.logger.warn({ ...fields, error: outcome.error, nextAttemptAt }, status === 'FAILED' ? 'notification failed' : 'notification attempt failed, retrying');
  }
}

/**
 * Sends the deliveries that are due and records each attempt. Pending
 * deliveries live in the database, so a restarted server picks them up.
 * Several instances may run this at once: each delivery is claimed first.
 * Due deliveries go out oldest first, but a retried delivery can arrive after
 * a later one. Returns the number of deliveries attempted.
 */
export async function deliverDueNotifications(prisma: PrismaClient, options: DeliveryOptions): Promise<number> {
  const now = options.now();
  const due = await prisma.notificationDelivery.findMany({
    where: { status: 'PENDING', nextAttemptAt: { lte: now } },
    orderBy: [{ nextAttemptAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    take: options.batchSize ?? 20,
    include: { channel: true },
  });

  let attempted = 0;
  for (const { channel, ...delivery } of due) {
    if (!(await claim(prisma, delivery, now))) {
      continue;
    }
    const outcome = await attempt(delivery, channel, options);
    await record(prisma, delivery, outcome, options);
    attempted += 1;
  }
  return attempted;
}
