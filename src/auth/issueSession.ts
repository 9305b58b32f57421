import { createHash, randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import type { User } from '../generated/prisma/client.js';

export interface Session {
  token: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

/** SHA-256 in hex: refresh tokens are stored only in this form. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues an access token and a refresh token for a user and stores the
 * refresh token's hash. Without `familyId` a new family is created: the
 * refresh tokens that descend from one login share it, and the access
 * tokens name it so that revoking the family ends them too.
 */
export async function issueSession(services: Services, user: User, familyId?: string): Promise<Session> {
  const family = familyId ?? randomUUID();
  if (familyId === undefined) {
    await services.prisma.refreshTokenFamily.create({ data: { id: family, userId: user.id } });
  }

  const access = services.tokens.sign('access', user.id, { role: user.role, ver: user.tokenVersion, sid: family });
  const refresh = services.tokens.sign('refresh', user.id, { fam: family });
  await services.prisma.refreshToken.create({
    data: {
      userId: user.id,
      tokenHash: hashToken(refresh.token),
      familyId: family,
      expiresAt: refresh.expiresAt,
    },
  });

  return { token: access.token, refreshToken: refresh.token, expiresAt: access.expiresAt, user };
}
