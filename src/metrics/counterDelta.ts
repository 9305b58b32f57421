/**
 * Increase of a cumulative counter between two samples. PostgreSQL resets its
 * counters on pg_stat_reset(), on a crash restart and on some upgrades: a
 * value lower than before, or a changed stats_reset time, means the counter
 * restarted from zero, so the whole current value is the increase. The SQL
 * in timeseriesSql.ts applies the same rule.
 */
export function counterDelta(
  current: bigint,
  previous: bigint,
  currentReset: Date | null | undefined,
  previousReset: Date | null | undefined,
): bigint {
  const resetChanged = (currentReset?.getTime() ?? null) !== (previousReset?.getTime() ?? null);
  if (current < previous || resetChanged) {
    return current;
  }
  return current - previous;
}
