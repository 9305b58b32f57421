import type { PrismaClient } from '../generated/prisma/client.js';
import type { MetricName } from '../generated/graphql.js';
import { BadUserInputError } from '../errors.js';
import { timeseriesSql } from './timeseriesSql.js';

/** Upper bound on points per query, so one request cannot ask for millions of buckets. */
export const MAX_POINTS = 10_000;
export const MAX_RANGE_SECONDS = 400 * 86_400;
/** With no step given, the range is split into about this many buckets, each at least a minute. */
const DEFAULT_POINTS = 500;
const MIN_DEFAULT_STEP = 60;

export interface Point {
  time: Date;
  value: number;
}

/** Checks the window and picks the default step; throws BadUserInputError naming the argument. */
export function resolveStep(from: Date, to: Date, step: number | null | undefined): number {
  const rangeSeconds = (to.getTime() - from.getTime()) / 1000;
  if (rangeSeconds <= 0) {
    throw new BadUserInputError('from must be earlier than to', 'from');
  }
  if (rangeSeconds > MAX_RANGE_SECONDS) {
    throw new BadUserInputError(`the range from..to must be at most ${MAX_RANGE_SECONDS / 86_400} days`, 'to');
  }
  if (step === null || step === undefined) {
    return Math.max(MIN_DEFAULT_STEP, Math.ceil(rangeSeconds / DEFAULT_POINTS));
  }
  if (step < 1) {
    throw new BadUserInputError('step must be at least 1 second', 'step');
  }
  if (rangeSeconds / step > MAX_POINTS) {
    throw new BadUserInputError(`step is too small: the range would give more than ${MAX_POINTS} points`, 'step');
  }
  return step;
}

/** Reads one metric of a server as points computed in SQL. */
export async function readTimeseries(
  prisma: PrismaClient,
  query: { serverId: string; metric: MetricName; from: Date; to: Date; step?: number | null },
): Promise<Point[]> {
  const step = resolveStep(query.from, query.to, query.step);
  const rows = await prisma.$queryRaw<{ time: Date; value: number | string }[]>(
    timeseriesSql(query.metric, { serverId: query.serverId, from: query.from, to: query.to, step }),
  );
  return rows.map((row) => ({ time: row.time, value: Number(row.value) }));
}
