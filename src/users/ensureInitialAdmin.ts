import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createUser } from './createUser.js';
import { BadUserInputError } from '../errors.js';
import { ConfigError } from '../config/ConfigError.js';

export const INITIAL_ADMIN_FILE = 'initial-admin-password.txt';

/**
 * Creates the first admin when the database has no user. It uses
 * ADMIN_USERNAME (default "admin") and ADMIN_PASSWORD; outside production,
 * without a password, it generates one and writes it to a 0600 file in DATA_DIR, logging only
 * the file's path. In production without a password it logs a warning and creates
 * no user, so an operator adds users with the CLI.
 */
export async function ensureInitialAdmin(prisma: PrismaClient, config: Config, logger: Logger): Promise<void> {
  if ((await prisma.user.count()) > 0) {
    return;
  }

  const username = config.adminUsername ?? 'admin';
  if (config.adminPassword !== undefined) {
    try {
      await createUser(prisma, { username, password: config.adminPassword, role: 'ADMIN' });
    } catch (error) {
      if (error instanceof BadUserInputError) {
        throw new ConfigError(`ADMIN_USERNAME or ADMIN_PASSWORD is invalid: ${error.message}`);
      }
      throw error;
    }
    logger.info({ event: 'initial_admin', username }, 'initial admin created from ADMIN_PASSWORD');
    return;
  }
  if (config.environment === 'production' || config.dataDir === ':memory:') {
    logger.warn(
      { event: 'initial_admin' },
      'no user exists and ADMIN_USERNAME/ADMIN_PASSWORD are not set; create one with "npm run users -- create"',
    );
    return;
  }

  const password = randomBytes(18).toString('base64url');
  const path = join(config.dataDir, INITIAL_ADMIN_FILE);
  await writeFile(path, `${username}\n${password}\n`, { mode: 0o600 });
  await createUser(prisma, { username, password, role: 'ADMIN' });
  logger.warn({ event: 'initial_admin', username, passwordFile: path }, 'initial admin created with a generated password');
}
