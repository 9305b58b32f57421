import type { GraphQLContext } from '../context.js';
import type { User } from '../generated/prisma/client.js';
import { UnauthenticatedError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import type { FailedLoginReason } from '../observability/SecurityMetrics.js';
import { checkPasswordBytes } from '../users/passwordPolicy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { issueSession, type Session } from './issueSession.js';
import { claimLoginAttempt, recordLoginFailure, recordLoginSuccess, type ThrottleKey } from './loginThrottle.js';
import { throttleAddress } from './throttleAddress.js';

const LOGIN_FAILED = 'Invalid username or password';
const MAX_USERNAME_LENGTH = 64;

/**
 * Checks a username and password and opens a session. An unknown user and a
 * wrong password give the same error and cost one bcrypt comparison each.
 * Failures slow down further attempts and can lock the account (see
 * loginThrottle); a stored hash weaker than a new one is replaced.
 */
export async function login(context: GraphQLContext, credentials: { username: string; password: string }): Promise<Session> {
  const { services } = context;
  checkPasswordBytes(credentials.password);

  const key: ThrottleKey = { username: credentials.username.slice(0, MAX_USERNAME_LENGTH), address: throttleAddress(context.clientAddress) };
  const user =
    credentials.username.length <= MAX_USERNAME_LENGTH
      ? await services.prisma.user.findUnique({ where: { username: credentials.username } })
      : null;
  try {
    await claimLoginAttempt(services, key, user);
  } catch (error) {
    services.metrics.countFailedLogin('throttled');
    context.logger.info({ event: 'login', outcome: 'throttled', username: key.username }, 'login attempt held back');
    throw error;
  }

  const check = await verifyPassword(credentials.password, user?.passwordHash);
  if (!user || !check.matches) {
    await rejectLogin(context, key, user, user ? 'wrong_password' : 'unknown_user');
    throw new UnauthenticatedError(LOGIN_FAILED);
  }
  if (user.disabledAt !== null) {
    // Only a caller who knows the password learns that the account is disabled.
    await rejectLogin(context, key, user, 'disabled');
    throw new UnauthenticatedError('This account is disabled; ask an admin to enable it');
  }

  await recordLoginSuccess(services, key, user.id);
  const current = check.needsRehash ? await upgradeHash(context, user, credentials.password) : user;
  const session = await issueSession(services, current);
  await recordAuditEvent(
    services.prisma,
    { ...auditOriginOf(context), actorType: 'user', actorId: user.id, actorName: user.username },
    { action: 'LOGIN_SUCCEEDED', target: { type: 'user', id: user.id, name: user.username } },
    services.now(),
  );
  context.logger.info({ event: 'login', outcome: 'success', userId: user.id, username: user.username }, 'login succeeded');
  return session;
}

async function rejectLogin(context: GraphQLContext, key: ThrottleKey, user: User | null, reason: FailedLoginReason): Promise<void> {
  const { services } = context;
  const locked = await recordLoginFailure(services, user?.id);
  services.metrics.countFailedLogin(reason);
  const origin = auditOriginOf(context);
  const target = { type: 'user' as const, id: user?.id, name: key.username };
  await recordAuditEvent(services.prisma, origin, { action: 'LOGIN_FAILED', target, details: { reason } }, services.now());
  context.logger.warn({ event: 'login', outcome: 'failure', username: key.username, reason }, 'login failed');

  if (locked) {
    services.metrics.countLockout();
    await recordAuditEvent(services.prisma, origin, { action: 'ACCOUNT_LOCKED', target }, services.now());
    context.logger.warn({ event: 'account_locked', userId: user?.id, username: key.username }, 'account locked after failed logins');
  }
}

/** Replaces an argon2id or low-cost bcrypt hash with a bcrypt hash of the configured cost. */
async function upgradeHash(context: GraphQLContext, user: User, password: string): Promise<User> {
  const { services } = context;
  const passwordHash = await hashPassword(password);
  const updated = await services.prisma.user.update({ where: { id: user.id }, data: { passwordHash } });
  await recordAuditEvent(
    services.prisma,
    { ...auditOriginOf(context), actorType: 'system' },
    { action: 'PASSWORD_REHASHED', target: { type: 'user', id: user.id, name: user.username } },
    services.now(),
  );
  context.logger.info({ event: 'password_rehash', userId: user.id }, 'stored password hash upgraded');
  return updated;
}
