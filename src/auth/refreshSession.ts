import type { GraphQLContext } from '../context.js';
import { UnauthenticatedError } from '../errors.js';
import { auditOriginOf, recordAuditEvent } from '../audit/recordAuditEvent.js';
import { TokenRejectedError, type RefreshClaims } from './tokenSigner.js';
import { hashToken, issueSession, type Session } from './issueSession.js';
import { revokeFamily } from './revokeSessions.js';
import { familyCacheKey } from './readCredentialState.js';

/** Verifies a refresh token's signature and claims, or throws UnauthenticatedError. */
export function verifyRefreshToken(context: GraphQLContext, refreshToken: string): RefreshClaims {
  try {
    return context.services.tokens.verify(refreshToken, 'refresh');
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      throw new UnauthenticatedError(`Invalid refresh token: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Exchanges a refresh token for a new pair. The token is consumed by one
 * conditional UPDATE, so of two concurrent calls with the same token exactly
 * one succeeds. Presenting a consumed token again ends its whole family,
 * because only a copy held by someone else can be presented twice.
 */
export async function refreshSession(context: GraphQLContext, refreshToken: string): Promise<Session> {
  const { services, logger } = context;
  const claims = verifyRefreshToken(context, refreshToken);

  const now = services.now();
  const consumed = await services.prisma.refreshToken.updateMany({
    where: { tokenHash: hashToken(refreshToken), consumedAt: null, expiresAt: { gt: now }, family: { revokedAt: null } },
    data: { consumedAt: now },
  });
  if (consumed.count === 0) {
    await revokeReusedFamily(context, claims);
    throw new UnauthenticatedError('Invalid refresh token: it was already used or revoked; log in again');
  }

  const user = await services.prisma.user.findUnique({ where: { id: claims.sub } });
  if (!user) {
    throw new UnauthenticatedError('Invalid refresh token: the user no longer exists');
  }
  if (user.disabledAt !== null) {
    throw new UnauthenticatedError('Invalid refresh token: the user is disabled');
  }
  logger.info({ event: 'refresh', outcome: 'success', userId: user.id }, 'session refreshed');
  return issueSession(services, user, claims.fam);
}

async function revokeReusedFamily(context: GraphQLContext, claims: RefreshClaims): Promise<void> {
  const { services, logger } = context;
  const alreadyRevoked = await services.prisma.refreshTokenFamily.findUnique({ where: { id: claims.fam }, select: { revokedAt: true } });
  const revokedTokens = await services.prisma.$transaction(async (tx) => {
    const count = await revokeFamily(services, tx, claims.fam, 'refresh_reuse');
    await recordAuditEvent(
      tx,
      auditOriginOf(context),
      { action: 'REFRESH_TOKEN_REUSED', target: { type: 'user', id: claims.sub }, details: { familyId: claims.fam, revokedTokens: count } },
      services.now(),
    );
    return count;
  });
  services.credentials.invalidate(familyCacheKey(claims.fam));
  if (alreadyRevoked?.revokedAt == null) {
    services.metrics.countRevocation('refresh_reuse');
  }
  logger.warn(
    { event: 'refresh', outcome: 'failure', userId: claims.sub, familyId: claims.fam, revokedTokens },
    'refresh token reused or unknown; session family revoked',
  );
}
