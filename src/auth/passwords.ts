import bcrypt from 'bcrypt';
import { BadUserInputError } from '../errors.js';

/** bcrypt cost factor for new hashes. */
export const BCRYPT_COST = 12;

/** bcrypt reads at most 72 bytes; a longer password would be truncated silently. */
export const MAX_PASSWORD_BYTES = 72;

// A real bcrypt hash of a random value, compared against when the user does
// not exist so that an unknown username costs the same time as a wrong password.
const DUMMY_HASH = bcrypt.hash('pganalytics-dummy-password', BCRYPT_COST);

/** Rejects a password that bcrypt would truncate or that is empty. */
export function checkPasswordLength(password: string, field = 'password'): void {
  if (password.length === 0) {
    throw new BadUserInputError('Password must not be empty', field);
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new BadUserInputError(`Password is longer than ${MAX_PASSWORD_BYTES} bytes in UTF-8`, field);
  }
}

/** Hashes with bcrypt's async API so the event loop stays free. */
export async function hashPassword(password: string): Promise<string> {
  checkPasswordLength(password);
  return bcrypt.hash(password, BCRYPT_COST);
}

/**
 * Compares a password with a stored hash, or with a dummy hash when there is
 * no stored hash, so both failures take the same time.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<boolean> {
  const hash = storedHash ?? (await DUMMY_HASH);
  const matches = await bcrypt.compare(password, hash);
  return matches && storedHash !== undefined;
}
