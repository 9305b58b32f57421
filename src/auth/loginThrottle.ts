import type { Services } from '../services.js';
import { RateLimitedError } from '../errors.js';
import { Prisma } from '../generated/prisma/client.js';

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

/** Returns the earliest successful login that still makes an address known to the account at `now`. */
export function knownAddressSince(now: Date): Date {
  return new Date(now.getTime() - KNOWN_ADDRESS_DAYS * DAY_MS);
}

function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

function addressHeldBack(blockedUntil: Date, now: Date): RateLimitedError {
  const wait = secondsUntil(blockedUntil, now);
  return new RateLimitedError(wait, `Too many failed logins from this address; try again in ${wait} seconds`);
}

/**
 * Admits one login attempt before any password is compared, or throws
 * RateLimitedError when this username and address must wait after earlier
 * failures, or when the account is locked and the address is not one the
 * account logged in from lately. An admitted attempt counts as a failure of
 * the username and address at once, and a successful login clears it, so
 * concurrent wrong guesses cannot all pass before the first one is counted.
 */
export async function claimLoginAttempt(
  services: Services,
  key: ThrottleKey,
  user: { lockedUntil: Date | null } | null,
): Promise<void> {
  const now = services.now();
  const row = await services.prisma.loginThrottle.findUnique({ where: { username_address: key } });
  if (row?.blockedUntil && row.blockedUntil > now) {
    throw addressHeldBack(row.blockedUntil, now);
  }

  const knownAddress = row?.lastSuccessAt != null && row.lastSuccessAt > knownAddressSince(now);
  if (user?.lockedUntil && user.lockedUntil > now && !knownAddress) {
    const wait = secondsUntil(user.lockedUntil, now);
    throw new RateLimitedError(
      wait,
      `This account is locked after too many failed logins; try again in ${wait} seconds or ask an admin to unlock it`,
    );
  }

  if (!(await countAddressAttempt(services, key, now))) {
    const current = await services.prisma.loginThrottle.findUnique({ where: { username_address: key } });
    throw addressHeldBack(current?.blockedUntil ?? new Date(now.getTime() + 1000), now);
  }
}

/**
 * Counts an attempt for the username and address in one statement, and
 * delays the next attempt once `freeFailures` attempts are counted: 1 s,
 * then doubling up to `maxDelay`. Counts older than the lockout window are
 * forgotten. Returns false, counting nothing, when a concurrent attempt set
 * a delay first.
 */
async function countAddressAttempt(services: Services, key: ThrottleKey, now: Date): Promise<boolean> {
  const { freeFailures, maxDelay, lockoutWindow } = services.config.loginThrottle;
  const staleBefore = new Date(now.getTime() - lockoutWindow * 1000);
  const firstBlock = freeFailures <= 1 ? new Date(now.getTime() + Math.min(1, maxDelay) * 1000) : null;
  const counted = Prisma.sql`CASE WHEN "throttle"."last_failure_at" IS NULL OR "throttle"."last_failure_at" < ${staleBefore}
    THEN 1 ELSE "throttle"."failures" + 1 END`;
  const delaySeconds = Prisma.sql`least(power(2, least(${counted} - ${freeFailures}::int, 30)), ${maxDelay}::float8)`;
  const rows = await services.prisma.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO "login_throttles" AS "throttle" ("username", "address", "failures", "last_failure_at", "blocked_until")
    VALUES (${key.username}, ${key.address}, 1, ${now}, ${firstBlock})
    ON CONFLICT ("username", "address") DO UPDATE SET
      "failures" = ${counted},
      "last_failure_at" = ${now},
      "blocked_until" = CASE WHEN ${counted} >= ${freeFailures}::int
        THEN ${now}::timestamptz + make_interval(secs => ${delaySeconds}) END
    WHERE "throttle"."blocked_until" IS NULL OR "throttle"."blocked_until" <= ${now}
    RETURNING "throttle"."failures"`;
  return rows.length > 0;
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

/**
 * Records a failed login against the account; claimLoginAttempt already
 * counted it for the username and address. Returns true when it locked the
 * account.
 */
export async function recordLoginFailure(services: Services, userId: string | undefined): Promise<boolean> {
  return userId === undefined ? false : countAccountFailure(services, userId, services.now());
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
