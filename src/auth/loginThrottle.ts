import type { Services } from '../services.js';
import { RateLimitedError } from '../errors.js';

/** A username as typed plus the client address key from throttleAddress. */
export interface ThrottleKey {
  username: string;
  address: string;
}

/**
 * An address that logged in to an account successfully within this many
 * days is not held back by that account's lock, so a lock raised by
 * strangers does not shut out the owner's usual machine.
 */
export const KNOWN_ADDRESS_DAYS = 30;
const DAY_MS = 86_400_000;

function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/**
 * Throws RateLimitedError, before any password is compared, when this
 * username and address must wait after earlier failures, or when the account
 * is locked and the address is not one the account logged in from lately.
 */
export async function assertLoginAllowed(
  services: Services,
  key: ThrottleKey,
  user: { lockedUntil: Date | null } | null,
): Promise<void> {
  const now = services.now();
  const row = await services.prisma.loginThrottle.findUnique({ where: { username_address: key } });
  if (row?.blockedUntil && row.blockedUntil > now) {
    const wait = secondsUntil(row.blockedUntil, now);
    throw new RateLimitedError(wait, `Too many failed logins from this address; try again in ${wait} seconds`);
  }

  const knownAddress = row?.lastSuccessAt != null && now.getTime() - row.lastSuccessAt.getTime() < KNOWN_ADDRESS_DAYS * DAY_MS;
  if (user?.lockedUntil && user.lockedUntil > now && !knownAddress) {
    const wait = secondsUntil(user.lockedUntil, now);
    throw new RateLimitedError(
      wait,
      `This account is locked after too many failed logins; try again in ${wait} seconds or ask an admin to unlock it`,
    );
  }
}

/**
 * Counts a failure for the username and address and delays the next
 * attempt once `freeFailures` failures happened: 1 s, then doubling up to
 * `maxDelay`. Failures older than the lockout window are forgotten.
 */
async function countAddressFailure(services: Services, key: ThrottleKey, now: Date): Promise<void> {
  const { freeFailures, maxDelay, lockoutWindow } = services.config.loginThrottle;
  const staleBefore = new Date(now.getTime() - lockoutWindow * 1000);
  const rows = await services.prisma.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO "login_throttles" ("username", "address", "failures", "last_failure_at")
    VALUES (${key.username}, ${key.address}, 1, ${now})
    ON CONFLICT ("username", "address") DO UPDATE SET
      "failures" = CASE WHEN "login_throttles"."last_failure_at" IS NULL OR "login_throttles"."last_failure_at" < ${staleBefore}
        THEN 1 ELSE "login_throttles"."failures" + 1 END,
      "last_failure_at" = ${now}
    RETURNING "failures"`;

  const failures = Number(rows[0]?.failures ?? 1);
  if (failures < freeFailures) {
    return;
  }
  const delay = Math.min(2 ** Math.min(failures - freeFailures, 30), maxDelay);
  await services.prisma.loginThrottle.update({
    where: { username_address: key },
    data: { blockedUntil: new Date(now.getTime() + delay * 1000) },
  });
}

/**
 * Counts a failure against the account from any address and locks it for
 * `lockoutDuration` when `lockoutThreshold` failures fall within one window.
 * Returns true when this failure locked the account.
 */
async function countAccountFailure(services: Services, userId: string, now: Date): Promise<boolean> {
  const { lockoutThreshold, lockoutWindow, lockoutDuration } = services.config.loginThrottle;
  const windowStart = new Date(now.getTime() - lockoutWindow * 1000);
  const rows = await services.prisma.$queryRaw<Array<{ count: number }>>`
    UPDATE "users" SET
      "failed_login_count" = CASE WHEN "failed_login_window_start" IS NULL OR "failed_login_window_start" < ${windowStart}
        THEN 1 ELSE "failed_login_count" + 1 END,
      "failed_login_window_start" = CASE WHEN "failed_login_window_start" IS NULL OR "failed_login_window_start" < ${windowStart}
        THEN ${now} ELSE "failed_login_window_start" END
    WHERE "id" = ${userId}::uuid
    RETURNING "failed_login_count" AS "count"`;
  if (Number(rows[0]?.count ?? 0) < lockoutThreshold) {
    return false;
  }

  // The condition makes exactly one of several concurrent failures raise the lock.
  const locked = await services.prisma.user.updateMany({
    where: { id: userId, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { lockedUntil: new Date(now.getTime() + lockoutDuration * 1000), failedLoginCount: 0, failedLoginWindowStart: null },
  });
  return locked.count === 1;
}

/** Records a failed login; returns true when it locked the account. */
export async function recordLoginFailure(services: Services, key: ThrottleKey, userId: string | undefined): Promise<boolean> {
  const now = services.now();
  await countAddressFailure(services, key, now);
  return userId === undefined ? false : countAccountFailure(services, userId, now);
}

/** Clears the failures of this username and address, and marks the address as known to the account. */
export async function recordLoginSuccess(services: Services, key: ThrottleKey, userId: string): Promise<void> {
  const now = services.now();
  await services.prisma.loginThrottle.upsert({
    where: { username_address: key },
    create: { ...key, failures: 0, lastSuccessAt: now },
    update: { failures: 0, blockedUntil: null, lastSuccessAt: now },
  });
  await services.prisma.user.update({ where: { id: userId }, data: { failedLoginCount: 0, failedLoginWindowStart: null } });
}
