/**
 * Checks whether an error is Prisma's unique constraint violation (P2002),
 * by code rather than class so that it also matches errors raised inside
 * interactive transactions and by driver adapters.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { code } = error as { code?: unknown };
  return code === 'P2002';
}
