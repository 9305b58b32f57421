import type { PrismaClient } from '../generated/prisma/client.js';
import { knownAddressSince } from './loginThrottle.js';

/** Seconds between two runs of the cleanup job. */
export const LOGIN_THROTTLE_PRUNE_SECONDS = 3600;

/**
 * Deletes login_throttles rows that no longer change a login: no delay in
 * force, no failure inside the lockout window (older failures restart from
 * one), and no successful login recent enough to make the address known to
 * the account. Without this, every username and address ever typed keeps a
 * row. Returns the number of rows deleted.
 */
export async function pruneLoginThrottles(
  prisma: Pick<PrismaClient, 'loginThrottle'>,
  now: Date,
  lockoutWindowSeconds: number,
): Promise<number> {
  const failuresBefore = new Date(now.getTime() - lockoutWindowSeconds * 1000);
  const successBefore = knownAddressSince(now);

  const { count } = await prisma.loginThrottle.deleteMany({
    where: {
      AND: [
        { OR: [{ blockedUntil: null }, { blockedUntil: { lte: now } }] },
        { OR: [{ lastFailureAt: null }, { lastFailureAt: { lt: failuresBefore } }] },
        { OR: [{ lastSuccessAt: null }, { lastSuccessAt: { lt: successBefore } }] },
      ],
    },
  });
  return count;
}
