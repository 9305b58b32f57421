import type { Services } from '../services.js';
import type { Principal } from './principal.js';
import { TokenRejectedError } from './tokenSigner.js';
import { checkAccessToken } from './checkAccessToken.js';
import { checkCollectorToken } from './checkCollectorToken.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * Turns the Authorization header into a Principal. Access tokens become a
 * user and collector tokens a collector. A refresh token, a malformed header
 * or a token that was revoked or whose user or collector no longer exists
 * becomes `invalid`.
 */
export async function authenticateRequest(authorization: string | undefined, services: Services): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '') {
    return { kind: 'anonymous' };
  }
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) {
    return { kind: 'invalid', reason: 'the Authorization header must be "Bearer <token>"' };
  }

  try {
    const token = match[1];
    const type = services.tokens.typeOf(token);
    if (type === 'access') {
      return await checkAccessToken(services, services.tokens.verify(token, 'access'));
    }
    if (type === 'collector') {
      return await checkCollectorToken(services, services.tokens.verify(token, 'collector'));
    }
    return { kind: 'invalid', reason: 'a refresh token cannot be used as a bearer token; call refreshToken' };
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      return { kind: 'invalid', reason: error.message };
    }
    throw error;
  }
}
