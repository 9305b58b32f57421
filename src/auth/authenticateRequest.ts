import type { PrismaClient } from '../generated/prisma/client.js';
import type { Principal } from './principal.js';
import { TokenRejectedError, type TokenSigner } from './tokenSigner.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * Turns the Authorization header into a Principal. Access tokens become a
 * user and collector tokens a collector. A refresh token, a malformed header
 * or a token whose user or collector no longer exists becomes `invalid`.
 */
export async function authenticateRequest(
  authorization: string | undefined,
  tokens: TokenSigner,
  prisma: PrismaClient,
): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') {
    return { kind: 'anonymous' };
  }
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) {
    return { kind: 'invalid', reason: 'the Authorization header must be "Bearer <token>"' };
  }

  try {
    const token = match[1];
    const type = tokens.typeOf(token);
    if (type === 'access') {
      const claims = tokens.verify(token, 'access');
      // TODO: cache this lookup briefly and compare a token version so that a
      // role change or a disabled user also invalidates tokens already issued.
      const user = await prisma.user.findUnique({ where: { id: claims.sub }, select: { id: true, role: true } });
      return user ? { kind: 'user', userId: user.id, role: user.role } : { kind: 'invalid', reason: 'the user no longer exists' };
    }
    if (type === 'collector') {
      const claims = tokens.verify(token, 'collector');
      const collector = await prisma.collector.findUnique({ where: { id: claims.sub }, select: { id: true } });
      return collector ? { kind: 'collector', collectorId: collector.id } : { kind: 'invalid', reason: 'the collector no longer exists' };
    }
    return { kind: 'invalid', reason: 'a refresh token cannot be used as a bearer token; call refreshToken' };
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      return { kind: 'invalid', reason: error.message };
    }
    throw error;
  }
}
