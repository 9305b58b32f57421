import type { Role } from '../generated/prisma/enums.js';
import type { Services } from '../services.js';

export interface UserCredentialState {
  kind: 'user';
  id: string;
  username: string;
  role: Role;
  tokenVersion: number;
  disabled: boolean;
  mustChangePassword: boolean;
}

export interface FamilyCredentialState {
  kind: 'family';
  revoked: boolean;
}

export interface CollectorCredentialState {
  kind: 'collector';
  id: string;
  tokenVersion: number;
  revoked: boolean;
  deleted: boolean;
}

export type CredentialState = UserCredentialState | FamilyCredentialState | CollectorCredentialState;

export const userCacheKey = (userId: string) => `user:${userId}`;
export const familyCacheKey = (familyId: string) => `family:${familyId}`;
export const collectorCacheKey = (collectorId: string) => `collector:${collectorId}`;

/** Reads a user's token version and flags through the cache; null when the user does not exist. */
export async function readUserState(services: Services, userId: string): Promise<UserCredentialState | null> {
  const state = await services.credentials.get(userCacheKey(userId), async () => {
    const user = await services.prisma.user.findUnique({ where: { id: userId } });
    if (!user) {
      return null;
    }
    return {
      kind: 'user',
      id: user.id,
      username: user.username,
      role: user.role,
      tokenVersion: user.tokenVersion,
      disabled: user.disabledAt !== null,
      mustChangePassword: user.mustChangePassword,
    } satisfies UserCredentialState;
  });
  return state?.kind === 'user' ? state : null;
}

/** Reads whether a refresh token family was revoked; a missing family counts as revoked. */
export async function readFamilyRevoked(services: Services, familyId: string): Promise<boolean> {
  const state = await services.credentials.get(familyCacheKey(familyId), async () => {
    const family = await services.prisma.refreshTokenFamily.findUnique({ where: { id: familyId }, select: { revokedAt: true } });
    return family ? ({ kind: 'family', revoked: family.revokedAt !== null } satisfies FamilyCredentialState) : null;
  });
  return state?.kind !== 'family' || state.revoked;
}

/** Reads a collector's token version and flags through the cache; null when it does not exist. */
export async function readCollectorState(services: Services, collectorId: string): Promise<CollectorCredentialState | null> {
  const state = await services.credentials.get(collectorCacheKey(collectorId), async () => {
    const collector = await services.prisma.collector.findUnique({
      where: { id: collectorId },
      select: { id: true, tokenVersion: true, revokedAt: true, deletedAt: true },
    });
    if (!collector) {
      return null;
    }
    return {
      kind: 'collector',
      id: collector.id,
      tokenVersion: collector.tokenVersion,
      revoked: collector.revokedAt !== null,
      deleted: collector.deletedAt !== null,
    } satisfies CollectorCredentialState;
  });
  return state?.kind === 'collector' ? state : null;
}
