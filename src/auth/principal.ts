import type { Role } from '../generated/prisma/enums.js';

/**
 * Sender of a request, decided once from the Authorization header. An
 * invalid token does not fail the request by itself. Public operations still
 * work, and protected ones report why the token was rejected.
 */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'invalid'; reason: string }
  | {
      kind: 'user';
      userId: string;
      username: string;
      role: Role;
      /** Refresh token family of the login behind the access token, when the token names one. */
      sessionId: string | undefined;
      /** Set after an admin reset the password: only changePassword, me and logout are allowed. */
      mustChangePassword: boolean;
    }
  | { kind: 'collector'; collectorId: string };

/** Roles from most to least privileged. */
export const ROLE_ORDER: readonly Role[] = ['ADMIN', 'USER', 'VIEWER'];

/** Checks whether `held` is `required` or a role above it. */
export function roleSatisfies(held: Role, required: Role): boolean {
  return ROLE_ORDER.indexOf(held) <= ROLE_ORDER.indexOf(required);
}
