import type { Prisma } from '../generated/prisma/client.js';
import type { Services } from '../services.js';

export type RevokeReason = 'logout' | 'logout_all' | 'refresh_reuse' | 'password_change' | 'password_reset' | 'role_change' | 'user_disabled';

/**
 * Revokes one refresh token family: its unused refresh tokens stop working,
 * and so do the access tokens issued with it. Returns the refresh tokens
 * revoked. The caller clears the family's cache entry after the commit.
 */
export async function revokeFamily(
  services: Services,
  tx: Prisma.TransactionClient,
  familyId: string,
  reason: RevokeReason,
): Promise<number> {
  const now = services.now();
  await tx.refreshTokenFamily.updateMany({ where: { id: familyId, revokedAt: null }, data: { revokedAt: now, revokeReason: reason } });
  const tokens = await tx.refreshToken.updateMany({ where: { familyId, consumedAt: null }, data: { consumedAt: now } });
  return tokens.count;
}

/**
 * Ends every session of a user: all refresh token families are revoked and
 * the token version is raised, so every access token issued before stops
 * working too. Returns the new token version. The caller clears the
 * user's cache entry after the transaction commits.
 */
export async function revokeAllSessions(
  services: Services,
  tx: Prisma.TransactionClient,
  userId: string,
  reason: RevokeReason,
): Promise<number> {
  const now = services.now();
  await tx.refreshTokenFamily.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokeReason: reason } });
  await tx.refreshToken.updateMany({ where: { userId, consumedAt: null }, data: { consumedAt: now } });
  const user = await tx.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } }, select: { tokenVersion: true } });
  return user.tokenVersion;
}
