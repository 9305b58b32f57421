import type { PrismaClient } from '../generated/prisma/client.js';
import type { Principal } from './principal.js';

/**
 * Returns the username of the user behind a request, recorded as who changed
 * or acknowledged something. Usernames stay readable after a user is deleted,
 * unlike ids. Returns 'unknown' for a principal that is not a user.
 */
export async function actorName(prisma: PrismaClient, principal: Principal): Promise<string> {
  if (principal.kind !== 'user') {
    return 'unknown';
  }
  const user = await prisma.user.findUnique({ where: { id: principal.userId }, select: { username: true } });
  return user?.username ?? principal.userId;
}
