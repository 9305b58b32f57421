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
 * refresh token's hash. `familyId` links the refresh tokens that descend from
 * one login; a new login starts a new family.
 */
export async function issueSession(services: Services, user: User, familyId: string = randomUUID()): Promise<Session> {
  const access = services.tokens.sign('access', user.id, { role: user.role });
  const refresh = services.tokens.sign('refresh', user.id, { fam: familyId });

  await services.prisma.refreshToken.create({
    data: {
      userId: user.id,
      tokenHash: hashToken(refresh.token),
      familyId,
      expiresAt: refresh.expiresAt,
    },
  });

  return { token: access.token, refreshToken: refresh.token, expiresAt: access.expiresAt, user };
}
