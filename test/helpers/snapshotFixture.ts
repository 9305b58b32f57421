import { randomUUID } from 'node:crypto';
import type { SnapshotWire } from '../../src/collector/snapshotWire.js';

export const PUSH_METRICS = `
  mutation ($input: PushMetricsInput!) {
    pushMetrics(input: $input) { snapshotId serverId stored openAlerts }
  }`;

/** Counters of one database; each test overrides what it checks. */
export function databaseRow(datname: string, overrides: Partial<SnapshotWire['databases'][number]> = {}): SnapshotWire['databases'][number] {
  return {
    datname,
    xactCommit: '1000', xactRollback: '10', blksRead: '100', blksHit: '9900',
    tupReturned: '5000', tupFetched: '4000', tupInserted: '100', tupUpdated: '50', tupDeleted: '5',
    tempFiles: '0', tempBytes: '0', deadlocks: '0', conflicts: '0',
    statsReset: null, sizeBytes: '8000000', frozenXidAge: '1000',
    ...overrides,
  };
}

/** Builds a valid snapshot of a quiet server with one database, in the JSON form a collector sends. */
export function snapshotFixture(collectorId: string, overrides: Partial<SnapshotWire> = {}): SnapshotWire {
  return {
    collectorId,
    snapshotId: randomUUID(),
    collectedAt: new Date().toISOString(),
    server: {
      host: 'db1.example.test', port: 5432, version: '15.19 (Debian 15.19-0+deb12u1)',
      systemIdentifier: '7300000000000000001', maxConnections: 100, startedAt: '2026-01-01T00:00:00.000Z',
    },
    databases: [databaseRow('app')],
    activity: {
      totalConnections: 10, active: 2, idle: 7, idleInTransaction: 1, idleInTransactionAborted: 0,
      fastpath: 0, disabled: 0, waitingOnLocks: 0,
      longestTransactionSeconds: 1.5, longestQuerySeconds: 0.2, longestIdleInTransactionSeconds: 1.0,
      longestLockWaitSeconds: 0,
    },
    locks: [{ mode: 'AccessShareLock', granted: true, count: 3 }],
    replication: [],
    ...overrides,
  };
}
