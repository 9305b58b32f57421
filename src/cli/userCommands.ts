import { createInterface } from 'node:readline';
import type { User } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { BadUserInputError } from '../errors.js';
import {
  adminCreateUser,
  changeUserRole,
  disableUser,
  enableUser,
  resetUserPassword,
  unlockUser,
  type UserAdminActor,
} from '../users/manageUsers.js';

export const ROLES: readonly Role[] = ['ADMIN', 'USER', 'VIEWER'];

/** Options of one users CLI command, checked by the caller for presence only. */
export interface UserCommandOptions {
  username: string;
  role?: Role;
  /** Reads the password from standard input; called only by commands that need one. */
  readPassword: () => Promise<string>;
}

type UserCommand = (actor: UserAdminActor, options: UserCommandOptions) => Promise<string>;

/** Reads the first line of standard input as a password. */
export async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Password (input is shown; pipe it in to hide it): ');
  }
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new BadUserInputError('No password on standard input: pipe it in as the first line', 'password');
}

async function findUser(actor: UserAdminActor, username: string): Promise<User> {
  const user = await actor.services.prisma.user.findUnique({ where: { username } });
  if (!user) {
    throw new BadUserInputError(`No user is named "${username}"; run "list" to see the users`, 'username');
  }
  return user;
}

function requireRole(options: UserCommandOptions): Role {
  if (options.role === undefined) {
    throw new BadUserInputError(`Missing --role: expected one of ${ROLES.join(', ')}`, 'role');
  }
  return options.role;
}

/** The commands that change users, each returning the line to print on success. */
export const USER_COMMANDS: Record<string, UserCommand> = {
  async create(actor, options) {
    const role = requireRole(options);
    const user = await adminCreateUser(actor, { username: options.username, password: await options.readPassword(), role });
    return `created user ${user.username} with role ${user.role}`;
  },
  async 'set-role'(actor, options) {
    const role = requireRole(options);
    const user = await changeUserRole(actor, (await findUser(actor, options.username)).id, role);
    return `user ${user.username} now has role ${user.role}; their sessions ended`;
  },
  async disable(actor, options) {
    const user = await disableUser(actor, (await findUser(actor, options.username)).id);
    return `disabled user ${user.username}; their sessions ended`;
  },
  async enable(actor, options) {
    const user = await enableUser(actor, (await findUser(actor, options.username)).id);
    return `enabled user ${user.username}`;
  },
  async 'reset-password'(actor, options) {
    const found = await findUser(actor, options.username);
    const user = await resetUserPassword(actor, found.id, await options.readPassword());
    return `reset the password of ${user.username}; they must change it at the next login`;
  },
  async unlock(actor, options) {
    const user = await unlockUser(actor, (await findUser(actor, options.username)).id);
    return `unlocked user ${user.username}`;
  },
};

/** Formats one line of `list`: username, role, creation time and state. */
export function formatUserLine(user: User, now: Date): string {
  const states = [
    user.disabledAt !== null ? 'disabled' : undefined,
    user.lockedUntil !== null && user.lockedUntil > now ? `locked until ${user.lockedUntil.toISOString()}` : undefined,
    user.mustChangePassword ? 'must change password' : undefined,
  ].filter((state) => state !== undefined);
  return [user.username, user.role, user.createdAt.toISOString(), states.length > 0 ? states.join(', ') : 'active'].join('\t');
}
