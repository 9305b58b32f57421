import type { FastifyBaseLogger } from 'fastify';
import type { GraphQLContext } from '../context.js';
import type { Services } from '../services.js';
import type { Prisma, User } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { BadUserInputError, ConflictError } from '../errors.js';
import { auditOriginOf, recordAuditEvent, type AuditEntry, type AuditOrigin } from '../audit/recordAuditEvent.js';
import { revokeAllSessions, type RevokeReason } from '../auth/revokeSessions.js';
import { userCacheKey } from '../auth/readCredentialState.js';
import { hashPassword } from '../auth/passwords.js';
import type { RevocationKind } from '../observability/SecurityMetrics.js';
import { requireUuid } from '../graphql/requireUuid.js';
import { createUser, type NewUser } from './createUser.js';
import { checkNewPassword } from './passwordPolicy.js';

type Transaction = Prisma.TransactionClient;

/** The author of a user change: an admin's GraphQL request, or the users CLI on the server's machine. */
export interface UserAdminActor {
  services: Services;
  logger: Pick<FastifyBaseLogger, 'info'>;
  origin: AuditOrigin;
}

/** Builds the actor of a GraphQL request. */
export function userAdminActor(context: GraphQLContext): UserAdminActor {
  return { services: context.services, logger: context.logger, origin: auditOriginOf(context) };
}

/** Creates a user on an admin's request and records it in the audit log. */
export async function adminCreateUser(actor: UserAdminActor, input: NewUser): Promise<User> {
  const { services } = actor;
  const user = await createUser(services.prisma, input, 'input.');
  const target = { type: 'user' as const, id: user.id, name: user.username };
  await recordAuditEvent(services.prisma, actor.origin, { action: 'USER_CREATED', target, details: { role: user.role } }, services.now());
  actor.logger.info({ event: 'user_created', userId: user.id, role: user.role }, 'user created');
  return user;
}

async function findUserOrThrow(tx: Transaction, id: string): Promise<User> {
  const user = await tx.user.findUnique({ where: { id: requireUuid(id, 'id') } });
  if (!user) {
    throw new BadUserInputError(`No user has id ${id}`, 'id');
  }
  return user;
}

/**
 * Throws ConflictError when the change would leave no enabled admin. The
 * admin rows are locked first, so two concurrent demotions cannot both pass.
 */
async function keepOneAdmin(tx: Transaction, user: User, remainsAdmin: boolean): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "users" WHERE "role" = 'ADMIN' AND "disabled_at" IS NULL FOR UPDATE`;
  if (remainsAdmin || user.role !== 'ADMIN' || user.disabledAt !== null) {
    return;
  }
  const others = await tx.user.count({ where: { role: 'ADMIN', disabledAt: null, id: { not: user.id } } });
  if (others === 0) {
    throw new ConflictError(`User "${user.username}" is the last enabled admin; make another user an admin first`);
  }
}

/**
 * Runs one change to a user in a transaction with its audit event, ends the
 * user's sessions when `revoke` is given, and clears the cached state.
 */
async function changeUser(
  actor: UserAdminActor,
  id: string,
  change: (tx: Transaction, user: User) => Promise<{ entry: AuditEntry; revoke?: RevokeReason & RevocationKind }>,
): Promise<User> {
  const { services } = actor;
  let revoked: RevocationKind | undefined;
  const updated = await services.prisma.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, id);
    const { entry, revoke } = await change(tx, user);
    if (revoke) {
      await revokeAllSessions(services, tx, user.id, revoke);
      revoked = revoke;
    }
    const target = { type: 'user' as const, id: user.id, name: user.username };
    await recordAuditEvent(tx, actor.origin, { ...entry, target }, services.now());
    return tx.user.findUniqueOrThrow({ where: { id: user.id } });
  });

  services.credentials.invalidate(userCacheKey(updated.id));
  if (revoked) {
    services.metrics.countRevocation(revoked);
  }
  actor.logger.info({ event: 'user_changed', action: revoked ?? 'update', userId: updated.id }, 'user changed');
  return updated;
}

export function changeUserRole(actor: UserAdminActor, id: string, role: Role): Promise<User> {
  return changeUser(actor, id, async (tx, user) => {
    await keepOneAdmin(tx, user, role === 'ADMIN');
    await tx.user.update({ where: { id: user.id }, data: { role } });
    return { entry: { action: 'USER_ROLE_CHANGED', details: { from: user.role, to: role } }, revoke: 'role_change' };
  });
}

export function disableUser(actor: UserAdminActor, id: string): Promise<User> {
  return changeUser(actor, id, async (tx, user) => {
    await keepOneAdmin(tx, user, false);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: user.disabledAt ?? actor.services.now() } });
    return { entry: { action: 'USER_DISABLED' }, revoke: 'user_disabled' };
  });
}

export function enableUser(actor: UserAdminActor, id: string): Promise<User> {
  return changeUser(actor, id, async (tx, user) => {
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    return { entry: { action: 'USER_ENABLED' } };
  });
}

/** Sets a temporary password chosen by an admin; the user must replace it at the next login. */
export function resetUserPassword(actor: UserAdminActor, id: string, password: string): Promise<User> {
  return changeUser(actor, id, async (tx, user) => {
    checkNewPassword(password, user.username, 'password');
    const passwordHash = await hashPassword(password);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: true, lockedUntil: null, failedLoginCount: 0 } });
    return { entry: { action: 'PASSWORD_RESET' }, revoke: 'password_reset' };
  });
}

/** Lifts a lockout and deletes the failed logins of the username from every address. */
export function unlockUser(actor: UserAdminActor, id: string): Promise<User> {
  return changeUser(actor, id, async (tx, user) => {
    await tx.user.update({ where: { id: user.id }, data: { lockedUntil: null, failedLoginCount: 0, failedLoginWindowStart: null } });
    await tx.loginThrottle.updateMany({ where: { username: user.username }, data: { failures: 0, blockedUntil: null } });
    return { entry: { action: 'ACCOUNT_UNLOCKED' } };
  });
}
