import type { Services } from '../services.js';
import type { Principal } from './principal.js';
import type { CollectorClaims } from './tokenSigner.js';
import { readCollectorState } from './readCredentialState.js';

/**
 * Decides whether the verified claims of a collector token still grant
 * access: the collector must exist, be neither revoked nor deleted, and the
 * token must carry its current token version. Every path that accepts a
 * collector token goes through here.
 */
export async function checkCollectorToken(services: Services, claims: CollectorClaims): Promise<Principal> {
  const collector = await readCollectorState(services, claims.sub);
  if (!collector || collector.deleted) {
    return { kind: 'invalid', reason: 'the collector no longer exists' };
  }
  if (collector.revoked) {
    return { kind: 'invalid', reason: 'the collector was revoked; register it again after an admin deletes it' };
  }
  if (claims.ver !== collector.tokenVersion) {
    return { kind: 'invalid', reason: 'the collector token was replaced or revoked' };
  }
  return { kind: 'collector', collectorId: collector.id };
}
