// Measures how long storing one snapshot takes with one multi-row INSERT per
// family (storeSnapshot) against one INSERT per row, on PGlite and, when
// BENCH_DATABASE_URL is set, on PostgreSQL. Prints a Markdown table.
//
//   npx tsx bench/snapshotStore.bench.ts
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/snapshotStore.bench.ts
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../src/db/openDatabase.js';
import { storeSnapshot } from '../src/metrics/storeSnapshot.js';
import type { Snapshot } from '../src/metrics/validateSnapshot.js';

const DATABASES = 200;
const SNAPSHOTS = 30;

function snapshot(collectorId: string, index: number): Snapshot {
  const collectedAt = new Date(Date.UTC(2026, 0, 1) + index * 60_000);
  const counter = BigInt(index * 1000);
  return {
    collectorId,
    snapshotId: randomUUID(),
    collectedAt,
    server: { host: 'bench', port: 5432, version: '15', systemIdentifier: '1', maxConnections: 100, startedAt: null },
    databases: Array.from({ length: DATABASES }, (_v, i) => ({
      datname: `db${i}`, xactCommit: counter, xactRollback: counter, blksRead: counter, blksHit: counter,
      tupReturned: counter, tupFetched: counter, tupInserted: counter, tupUpdated: counter, tupDeleted: counter,
      tempFiles: 0n, tempBytes: 0n, deadlocks: 0n, conflicts: 0n, statsReset: null, sizeBytes: 1000n, frozenXidAge: 1000n,
    })),
    activity: {
      totalConnections: 10, active: 1, idle: 9, idleInTransaction: 0, idleInTransactionAborted: 0, fastpath: 0,
      disabled: 0, waitingOnLocks: 0, longestTransactionSeconds: 0, longestQuerySeconds: 0, longestIdleInTransactionSeconds: 0,
      longestLockWaitSeconds: 0,
    },
    locks: [{ mode: 'AccessShareLock', granted: true, count: 5 }],
    replication: [],
  };
}

/**
 * Stores the server, snapshot and database rows in one transaction, with the
 * database rows as one multi-row INSERT or, the design this project avoids,
 * one INSERT per row. Both do the same work otherwise.
 */
async function storeSamples(database: Database, collectorId: string, input: Snapshot, perRow: boolean): Promise<void> {
  const identity = perRow ? 'per-row' : 'multi-row';
  await database.prisma.$transaction(async (tx) => {
    const server = await tx.monitoredServer.upsert({
      where: { collectorId_identity: { collectorId, identity } },
      create: { collectorId, identity, host: 'bench', port: 5432, version: '15', maxConnections: 100, lastSeenAt: input.collectedAt },
      update: { lastSeenAt: input.collectedAt },
    });
    await tx.snapshot.create({ data: { id: input.snapshotId, collectorId, serverId: server.id, collectedAt: input.collectedAt } });
    const rows = input.databases.map((row) => ({
      ...row, statsReset: null, serverId: server.id, collectedAt: input.collectedAt, snapshotId: input.snapshotId,
    }));
    if (!perRow) {
      await tx.databaseSample.createMany({ data: rows });
      return;
    }
    for (const data of rows) {
      await tx.databaseSample.create({ data });
    }
  });
}

async function time(run: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < SNAPSHOTS; index += 1) {
    await run(index);
  }
  return (performance.now() - started) / SNAPSHOTS;
}

async function measure(label: string, database: Database): Promise<string> {
  const collector = await database.prisma.collector.create({ data: { hostname: `bench-${randomUUID()}` } });
  const multiRow = await time((index) => storeSamples(database, collector.id, snapshot(collector.id, index), false));
  const perRow = await time((index) => storeSamples(database, collector.id, snapshot(collector.id, index), true));
  const full = await time((index) => storeSnapshot(database.prisma, collector.id, snapshot(collector.id, index + SNAPSHOTS), new Date()));
  return `| ${label} | ${multiRow.toFixed(1)} | ${perRow.toFixed(1)} | ${(perRow / multiRow).toFixed(1)}x | ${full.toFixed(1)} |`;
}

const rows = [];
const embedded = await openDatabase({ dataDir: ':memory:' });
rows.push(await measure('PGlite (in memory)', embedded));
await embedded.close();

const url = process.env['BENCH_DATABASE_URL'];
if (url) {
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const postgres = await openDatabase({ databaseUrl: url, dataDir: ':memory:', schema });
  rows.push(await measure('PostgreSQL 15 (local, TCP)', postgres));
  await postgres.runner.exec(`DROP SCHEMA "${schema}" CASCADE`);
  await postgres.close();
}

process.stdout.write(
  [`Snapshot of ${DATABASES} databases, mean of ${SNAPSHOTS} stores, milliseconds per snapshot.`, '',
    '| database | multi-row INSERT | INSERT per row | per-row / multi-row | storeSnapshot (all families, alerts) |',
    '| --- | --- | --- | --- | --- |', ...rows, ''].join('\n'),
);
