import { z } from 'zod';
import type { PushMetricsInput } from '../generated/graphql.js';
import { BadUserInputError } from '../errors.js';

export const MAX_DATABASES = 1000;
export const MAX_LOCK_ROWS = 100;
export const MAX_STANDBYS = 100;
export const MAX_STATEMENTS = 5000;
export const MAX_RELATIONS = 10_000;
export const MAX_REPLICATION_SLOTS = 1000;
const MIN_INT8 = -(2n ** 63n);
/** How far collectedAt may lie ahead of the server's clock, to absorb clock skew. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const EARLIEST_TIME = Date.UTC(2000, 0, 1);
const MAX_INT8 = 2n ** 63n - 1n;
/** PostgreSQL identifiers are at most NAMEDATALEN - 1 = 63 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

// PostgreSQL text cannot hold U+0000, so such strings are rejected rather
// than failing later inside the transaction.
const text = (max: number) =>
  z.string().min(1).max(max).refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const identifier = text(MAX_IDENTIFIER_BYTES).refine(
  (value) => Buffer.byteLength(value, 'utf8') <= MAX_IDENTIFIER_BYTES,
  `must be at most ${MAX_IDENTIFIER_BYTES} bytes in UTF-8`,
);
const counter = z.bigint().min(0n).max(MAX_INT8);
const count = z.number().int().min(0).max(10_000_000);
const seconds = z.number().min(0).max(1e10);

function uniqueBy<T>(rows: T[], key: (row: T) => string, context: z.RefinementCtx, label: string): void {
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const value = key(row);
    if (seen.has(value)) {
      context.addIssue({ code: 'custom', path: [index], message: `duplicate ${label} "${value}"` });
    }
    seen.add(value);
  });
}

const milliseconds = z.number().min(0).max(1e15);

function familySchemas(time: z.ZodType<Date>) {
  const optionalTime = time.nullish();
  return {
    statements: z
      .array(
        z.object({
          queryid: z.bigint().min(MIN_INT8).max(MAX_INT8), datname: identifier, username: identifier,
          calls: counter, totalExecTimeMs: milliseconds, meanExecTimeMs: milliseconds, rows: counter,
          sharedBlksHit: counter, sharedBlksRead: counter, sharedBlksWritten: counter,
          localBlksHit: counter, localBlksRead: counter, localBlksWritten: counter,
          tempBlksRead: counter, tempBlksWritten: counter, blkReadTimeMs: milliseconds, blkWriteTimeMs: milliseconds,
          query: z.string().max(10_000).refine((value) => !value.includes('\u0000'), 'must not contain NUL characters').nullish(),
        }),
      )
      .max(MAX_STATEMENTS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => `${row.datname}/${row.username}/${row.queryid}`, context, 'database, user and queryid'))
      .nullish(),
    tables: z
      .array(
        z.object({
          datname: identifier, schemaname: identifier, relname: identifier,
          seqScan: counter, idxScan: counter, nTupIns: counter, nTupUpd: counter, nTupDel: counter, nTupHotUpd: counter,
          nLiveTup: counter, nDeadTup: counter,
          lastVacuum: optionalTime, lastAutovacuum: optionalTime, lastAnalyze: optionalTime, lastAutoanalyze: optionalTime,
          heapBlksRead: counter, heapBlksHit: counter, idxBlksRead: counter, idxBlksHit: counter, sizeBytes: counter,
        }),
      )
      .max(MAX_RELATIONS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => `${row.datname}/${row.schemaname}/${row.relname}`, context, 'table'))
      .nullish(),
    indexes: z
      .array(
        z.object({
          datname: identifier, schemaname: identifier, relname: identifier, indexrelname: identifier,
          idxScan: counter, idxTupRead: counter, idxTupFetch: counter, idxBlksRead: counter, idxBlksHit: counter, sizeBytes: counter,
        }),
      )
      .max(MAX_RELATIONS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => `${row.datname}/${row.schemaname}/${row.indexrelname}`, context, 'index'))
      .nullish(),
    checkpointer: z
      .object({
        checkpointsTimed: counter, checkpointsRequested: counter, writeTimeMs: milliseconds, syncTimeMs: milliseconds,
        buffersWritten: counter, statsReset: optionalTime,
      })
      .nullish(),
    wal: z
      .object({
        lsn: z.string().regex(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i, 'must be a pg_lsn such as 0/16B3748'),
        lsnBytes: counter, records: counter.nullish(), fpi: counter.nullish(), bytes: counter.nullish(),
        buffersFull: counter.nullish(), statsReset: optionalTime,
      })
      .nullish(),
    replicationSlots: z
      .array(
        z.object({
          slotName: identifier, slotType: text(16), database: identifier.nullish(), active: z.boolean(),
          retainedBytes: counter.nullish(), xminAge: z.bigint().min(0n).max(2n ** 32n).nullish(),
        }),
      )
      .max(MAX_REPLICATION_SLOTS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => row.slotName, context, 'slot name'))
      .nullish(),
    skippedFamilies: z
      .array(z.object({ family: z.enum(['STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS']), reason: text(1000) }))
      .max(6)
      .superRefine((rows, context) => uniqueBy(rows, (row) => row.family, context, 'family'))
      .nullish(),
  };
}

function snapshotSchema(now: Date) {
  const latest = now.getTime() + MAX_FUTURE_SKEW_MS;
  const time = z.date().refine((value) => value.getTime() >= EARLIEST_TIME && value.getTime() <= latest, {
    message: 'must be after 2000-01-01 and at most 5 minutes ahead of the server clock',
  });

  return z.object({
    collectorId: z.uuid(),
    snapshotId: z.uuid(),
    collectedAt: time,
    server: z.object({
      host: text(255),
      port: z.number().int().min(1).max(65535),
      version: text(300),
      systemIdentifier: z.string().regex(/^\d{1,20}$/, 'must be a decimal number').nullish(),
      maxConnections: z.number().int().min(1).max(1_000_000),
      startedAt: time.nullish(),
    }),
    databases: z
      .array(
        z.object({
          datname: identifier,
          xactCommit: counter, xactRollback: counter, blksRead: counter, blksHit: counter,
          tupReturned: counter, tupFetched: counter, tupInserted: counter, tupUpdated: counter,
          tupDeleted: counter, tempFiles: counter, tempBytes: counter, deadlocks: counter,
          conflicts: counter, statsReset: time.nullish(), sizeBytes: counter,
          frozenXidAge: z.bigint().min(0n).max(2n ** 32n),
        }),
      )
      .max(MAX_DATABASES)
      .superRefine((rows, context) => uniqueBy(rows, (row) => row.datname, context, 'datname')),
    activity: z.object({
      totalConnections: count, active: count, idle: count, idleInTransaction: count,
      idleInTransactionAborted: count, fastpath: count, disabled: count, waitingOnLocks: count,
      longestTransactionSeconds: seconds, longestQuerySeconds: seconds, longestIdleInTransactionSeconds: seconds,
      longestLockWaitSeconds: seconds.nullish(),
    }),
    locks: z
      .array(z.object({ mode: identifier, granted: z.boolean(), count }))
      .max(MAX_LOCK_ROWS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => `${row.mode}/${row.granted}`, context, 'lock mode and granted')),
    replication: z
      .array(
        z.object({
          standby: text(300), clientAddr: text(64).nullish(), state: text(32), syncState: text(32),
          sentLagBytes: counter, writeLagBytes: counter, flushLagBytes: counter, replayLagBytes: counter,
          writeLagSeconds: seconds.nullish(), flushLagSeconds: seconds.nullish(), replayLagSeconds: seconds.nullish(),
        }),
      )
      .max(MAX_STANDBYS)
      .superRefine((rows, context) => uniqueBy(rows, (row) => row.standby, context, 'standby')),
    ...familySchemas(time),
  });
}

export type Snapshot = z.infer<ReturnType<typeof snapshotSchema>>;

/** Formats a zod path as the GraphQL input path, such as input.databases[3].datname. */
function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (joined, part) => (typeof part === 'number' ? `${joined}[${part}]` : `${joined}.${String(part)}`),
    'input',
  );
}

/**
 * Checks a snapshot beyond what the GraphQL types enforce: sizes, ranges,
 * row limits, unique keys and times. Throws BadUserInputError naming the
 * first invalid field.
 */
export function validateSnapshot(input: PushMetricsInput, now: Date): Snapshot {
  const result = snapshotSchema(now).safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const field = fieldPath(issue?.path ?? []);
  throw new BadUserInputError(`Invalid snapshot: ${field}: ${issue?.message ?? 'is invalid'}`, field);
}
