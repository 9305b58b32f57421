import type { GraphQLContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import { revokeAllSessions, revokeFamily } from './revokeSessions.js';
import { familyCacheKey, userCacheKey } from './readCredentialState.js';
import { verifyRefreshToken } from './refreshSession.js';

/**
 * Ends the login that a refresh token belongs to: its refresh tokens and the
 * access tokens issued with them stop working. Holding the refresh token is
 * the proof, so an expired access token does not prevent logging out.
 * Logging out twice succeeds.
 */
export async function logout(context: GraphQLContext, refreshToken: string): Promise<boolean> {
  const { services } = context;
  const claims = verifyRefreshToken(context, refreshToken);

  await services.prisma.$transaction(async (tx) => {
    const revokedTokens = await revokeFamily(services, tx, claims.fam, 'logout');
    await recordAuditEvent(
      tx,
      { ...auditOriginOf(context), actorType: 'user', actorId: claims.sub },
      { action: 'LOGOUT', target: { type: 'user', id: claims.sub }, details: { familyId: claims.fam, revokedTokens } },
      services.now(),
    );
  });
  services.credentials.invalidate(familyCacheKey(claims.fam));
  services.metrics.countRevocation('logout');
  context.logger.info({ event: 'logout', userId: claims.sub, familyId: claims.fam }, 'session logged out');
  return true;
}

/** Ends every session of the caller, on every device. */
export async function logoutAll(context: GraphQLContext): Promise<boolean> {
  const { services, principal } = context;
  if (principal.kind !== 'user') {
    throw new ForbiddenError('Forbidden: only a user can log out');
  }

  await services.prisma.$transaction(async (tx) => {
    await revokeAllSessions(services, tx, principal.userId, 'logout_all');
    await recordAuditEvent(tx, auditOriginOf(context), { action: 'LOGOUT_ALL', target: { type: 'user', id: principal.userId, name: principal.username } }, services.now());
  });
  services.credentials.invalidate(userCacheKey(principal.userId));
  services.metrics.countRevocation('logout_all');
  context.logger.info({ event: 'logout_all', userId: principal.userId }, 'all sessions logged out');
  return true;
}
