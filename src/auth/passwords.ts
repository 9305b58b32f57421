import bcrypt from 'bcrypt';
import { verify as verifyArgon2 } from '@node-rs/argon2';

/** bcrypt cost factor for new hashes. */
export const BCRYPT_COST = 12;

/** bcrypt reads at most 72 bytes; a longer password would be truncated silently. */
export const MAX_PASSWORD_BYTES = 72;

// A real bcrypt hash of a random value, compared against when the user does
// not exist so that an unknown username costs the same time as a wrong password.
const DUMMY_HASH = bcrypt.hash('pganalytics-dummy-password', BCRYPT_COST);

/** Modular crypt prefixes of bcrypt ($2a$, $2b$, $2y$) followed by the cost. */
const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$/;
const ARGON2ID_HASH = /^\$argon2id\$/;

export interface PasswordCheck {
  matches: boolean;
  /** True when the stored hash is weaker than a new one would be: another algorithm or a lower bcrypt cost. */
  needsRehash: boolean;
}

/** Hashes with bcrypt's async API so the event loop stays free. The caller checks the password rules first. */
export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** Checks whether a stored hash should be replaced by a bcrypt hash of cost BCRYPT_COST. */
export function hashNeedsUpgrade(storedHash: string): boolean {
  const bcryptCost = BCRYPT_HASH.exec(storedHash)?.[1];
  return bcryptCost === undefined || Number(bcryptCost) < BCRYPT_COST;
}

async function compareWithHash(password: string, storedHash: string): Promise<boolean> {
  if (BCRYPT_HASH.test(storedHash)) {
    return bcrypt.compare(password, storedHash);
  }
  if (ARGON2ID_HASH.test(storedHash)) {
    try {
      return await verifyArgon2(storedHash, password);
    } catch {
      // A malformed imported hash cannot match any password.
      return false;
    }
  }
  return false;
}

/**
 * Compares a password with a stored bcrypt or argon2id hash, or with a dummy
 * bcrypt hash when there is no stored hash, so both failures take about the
 * same time. Hashes in any other format never match.
 */
export async function verifyPassword(password: string, storedHash: string | undefined): Promise<PasswordCheck> {
  if (storedHash === undefined) {
    await bcrypt.compare(password, await DUMMY_HASH);
    return { matches: false, needsRehash: false };
  }
  const matches = await compareWithHash(password, storedHash);
  return { matches, needsRehash: matches && hashNeedsUpgrade(storedHash) };
}
