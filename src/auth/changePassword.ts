import type { GraphQLContext } from '../context.js';
import { BadUserInputError, ForbiddenError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import { checkNewPassword, checkPasswordBytes } from '../users/passwordPolicy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { issueSession, type Session } from './issueSession.js';
import { claimLoginAttempt, recordLoginFailure, recordLoginSuccess } from './loginThrottle.js';
import { revokeAllSessions } from './revokeSessions.js';
import { userCacheKey } from './readCredentialState.js';
import { throttleAddress } from './throttleAddress.js';

/**
 * Replaces the caller's password after checking the current one. Every
 * earlier session ends, and the returned session is the only one left.
 * Wrong current passwords count as failed logins, so a stolen access token
 * cannot be used to guess the password quickly.
 */
export async function changePassword(
  context: GraphQLContext,
  input: { currentPassword: string; newPassword: string },
): Promise<Session> {
  const { services, principal } = context;
  if (principal.kind !== 'user') {
    throw new ForbiddenError('Forbidden: only a user can change a password');
  }
  checkPasswordBytes(input.currentPassword, 'currentPassword');
  const user = await services.prisma.user.findUniqueOrThrow({ where: { id: principal.userId } });
  const key = { username: user.username, address: throttleAddress(context.clientAddress) };
  await claimLoginAttempt(services, key, user);

  const check = await verifyPassword(input.currentPassword, user.passwordHash);
  if (!check.matches) {
    await recordLoginFailure(services, user.id);
    services.metrics.countFailedLogin('wrong_password');
    throw new BadUserInputError('Current password is incorrect', 'currentPassword');
  }
  // The claim counted this attempt as a failure until the password matched.
  await recordLoginSuccess(services, key, user.id);
  checkNewPassword(input.newPassword, user.username, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw new BadUserInputError('New password must differ from the current password', 'newPassword');
  }

  const passwordHash = await hashPassword(input.newPassword);
  const updated = await services.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } });
    await revokeAllSessions(services, tx, user.id, 'password_change');
    await recordAuditEvent(tx, auditOriginOf(context), { action: 'PASSWORD_CHANGED', target: { type: 'user', id: user.id, name: user.username } }, services.now());
    return tx.user.findUniqueOrThrow({ where: { id: user.id } });
  });
  services.credentials.invalidate(userCacheKey(user.id));
  services.metrics.countRevocation('password_change');
  context.logger.info({ event: 'password_change', userId: user.id }, 'password changed');
  return issueSession(services, updated);
}
