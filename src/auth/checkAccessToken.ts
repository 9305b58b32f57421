import type { Services } from '../services.js';
import type { Principal } from './principal.js';
import type { AccessClaims } from './tokenSigner.js';
import { readFamilyRevoked, readUserState } from './readCredentialState.js';

/**
 * Decides whether the verified claims of an access token still grant
 * access. The role comes from the database, not the token. A changed token
 * version (password or role change, logoutAll) or a revoked session family
 * (logout, refresh token reuse) ends the token.
 */
export async function checkAccessToken(services: Services, claims: AccessClaims): Promise<Principal> {
  const user = await readUserState(services, claims.sub);
  if (!user) {
    return { kind: 'invalid', reason: 'the user no longer exists' };
  }
  if (user.disabled) {
    return { kind: 'invalid', reason: 'the user is disabled' };
  }
  if (claims.ver !== user.tokenVersion) {
    return { kind: 'invalid', reason: 'the token was revoked; log in again' };
  }
  if (claims.sid !== undefined && (await readFamilyRevoked(services, claims.sid))) {
    return { kind: 'invalid', reason: 'the session was logged out; log in again' };
  }

  return {
    kind: 'user',
    userId: user.id,
    username: user.username,
    role: user.role,
    sessionId: claims.sid,
    mustChangePassword: user.mustChangePassword,
  };
}
