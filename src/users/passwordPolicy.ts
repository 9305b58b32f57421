import { BadUserInputError } from '../errors.js';
import { MAX_PASSWORD_BYTES } from '../auth/passwords.js';
import { COMMON_PASSWORDS } from './commonPasswords.js';

export const MIN_PASSWORD_LENGTH = 12;

/** Rejects a password that bcrypt would truncate or that is empty; login checks only this. */
export function checkPasswordBytes(password: string, field = 'password'): void {
  if (password.length === 0) {
    throw new BadUserInputError('Password must not be empty', field);
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new BadUserInputError(`Password is longer than ${MAX_PASSWORD_BYTES} bytes in UTF-8; choose a shorter one`, field);
  }
}

/**
 * Checks a new password against every rule and throws BadUserInputError
 * naming the first rule it breaks: at least 12 characters (code points), at
 * most 72 bytes in UTF-8, not the username, not a common password.
 */
export function checkNewPassword(password: string, username: string, field = 'password'): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new BadUserInputError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`, field);
  }
  checkPasswordBytes(password, field);
  if (password.toLowerCase() === username.toLowerCase()) {
    throw new BadUserInputError('Password must not be the username', field);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    throw new BadUserInputError('Password is in the list of common passwords; choose a less predictable one', field);
  }
}
