import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { UnauthenticatedError } from '../errors.js';
import { checkPasswordLength, verifyPassword } from './passwords.js';
import { issueSession, type Session } from './issueSession.js';

const LOGIN_FAILED = 'Invalid username or password';

/**
 * Checks a username and password and opens a session. An unknown user and a
 * wrong password give the same error and cost one bcrypt comparison each.
 */
export async function login(
  services: Services,
  credentials: { username: string; password: string },
  logger: FastifyBaseLogger,
): Promise<Session> {
  checkPasswordLength(credentials.password);

  const user = await services.prisma.user.findUnique({ where: { username: credentials.username } });
  const matches = await verifyPassword(credentials.password, user?.passwordHash);
  if (!user || !matches) {
    logger.warn(
      { event: 'login', outcome: 'failure', username: credentials.username, reason: user ? 'wrong password' : 'unknown user' },
      'login failed',
    );
    throw new UnauthenticatedError(LOGIN_FAILED);
  }

  const session = await issueSession(services, user);
  logger.info({ event: 'login', outcome: 'success', userId: user.id, username: user.username }, 'login succeeded');
  return session;
}
