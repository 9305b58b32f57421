import type { PrismaClient, User } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { BadUserInputError, ConflictError } from '../errors.js';
import { hashPassword } from '../auth/passwords.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { checkNewPassword } from './passwordPolicy.js';

export { MIN_PASSWORD_LENGTH } from './passwordPolicy.js';

/** Letters, digits and . _ @ -, 1 to 64 characters, starting with a letter or digit. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

/** Checks a new user's name and password; throws BadUserInputError naming the rule. */
export function validateNewUser(input: NewUser, fieldPrefix = ''): void {
  if (!USERNAME.test(input.username)) {
    throw new BadUserInputError(
      'Username must be 1 to 64 characters of letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
      `${fieldPrefix}username`,
    );
  }
  checkNewPassword(input.password, input.username, `${fieldPrefix}password`);
}

/** Creates a user with a bcrypt hash of the password; a taken username is a ConflictError. */
export async function createUser(prisma: PrismaClient, input: NewUser, fieldPrefix = ''): Promise<User> {
  validateNewUser(input, fieldPrefix);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.user.create({ data: { username: input.username, passwordHash, role: input.role } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(`Username "${input.username}" is already taken`);
    }
    throw error;
  }
}
