import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { UnauthenticatedError } from '../errors.js';
import { TokenRejectedError } from './tokenSigner.js';
import { hashToken, issueSession, type Session } from './issueSession.js';

/**
 * Exchanges a refresh token for a new pair. The token is consumed by one
 * conditional UPDATE, so of two concurrent calls with the same token exactly
 * one succeeds. Presenting a consumed token again ends its whole family,
 * because only a copy held by someone else can be presented twice.
 */
export async function refreshSession(services: Services, refreshToken: string, logger: FastifyBaseLogger): Promise<Session> {
  let claims;
  try {
    claims = services.tokens.verify(refreshToken, 'refresh');
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      throw new UnauthenticatedError(`Invalid refresh token: ${error.message}`);
    }
    throw error;
  }

  const tokenHash = hashToken(refreshToken);
  const now = services.now();
  const consumed = await services.prisma.refreshToken.updateMany({
    where: { tokenHash, consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });

  if (consumed.count === 0) {
    const revoked = await services.prisma.refreshToken.updateMany({
      where: { familyId: claims.fam, consumedAt: null },
      data: { consumedAt: now },
    });
    logger.warn(
      { event: 'refresh', outcome: 'failure', userId: claims.sub, familyId: claims.fam, revokedTokens: revoked.count },
      'refresh token reused or unknown; session family revoked',
    );
    throw new UnauthenticatedError('Invalid refresh token: it was already used or revoked; log in again');
  }

  const user = await services.prisma.user.findUnique({ where: { id: claims.sub } });
  if (!user) {
    throw new UnauthenticatedError('Invalid refresh token: the user no longer exists');
  }
  logger.info({ event: 'refresh', outcome: 'success', userId: user.id }, 'session refreshed');
  return issueSession(services, user, claims.fam);
}
