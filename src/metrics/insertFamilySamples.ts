import type { Prisma } from '../generated/prisma/client.js';
import type { Snapshot } from './validateSnapshot.js';

interface SampleKey {
  serverId: string;
  collectedAt: Date;
  snapshotId: string;
}

/**
 * Inserts the optional families of a snapshot (statements, tables, indexes,
 * checkpointer, WAL, replication slots and skipped families) inside the
 * caller's transaction, one multi-row insert per family that has rows.
 */
export async function insertFamilySamples(tx: Prisma.TransactionClient, key: SampleKey, snapshot: Snapshot): Promise<void> {
  const statements = snapshot.statements ?? [];
  if (statements.length > 0) {
    await tx.statementSample.createMany({ data: statements.map((row) => ({ ...key, ...row, query: row.query ?? null })) });
  }

  const tables = snapshot.tables ?? [];
  if (tables.length > 0) {
    await tx.tableSample.createMany({
      data: tables.map((row) => ({
        ...key,
        ...row,
        lastVacuum: row.lastVacuum ?? null,
        lastAutovacuum: row.lastAutovacuum ?? null,
        lastAnalyze: row.lastAnalyze ?? null,
        lastAutoanalyze: row.lastAutoanalyze ?? null,
      })),
    });
  }

  const indexes = snapshot.indexes ?? [];
  if (indexes.length > 0) {
    await tx.indexSample.createMany({ data: indexes.map((row) => ({ ...key, ...row })) });
  }

  await insertServerWideFamilies(tx, key, snapshot);
}

async function insertServerWideFamilies(tx: Prisma.TransactionClient, key: SampleKey, snapshot: Snapshot): Promise<void> {
  if (snapshot.checkpointer) {
    await tx.checkpointerSample.create({ data: { ...key, ...snapshot.checkpointer, statsReset: snapshot.checkpointer.statsReset ?? null } });
  }
  if (snapshot.wal) {
    const { wal } = snapshot;
    await tx.walSample.create({
      data: {
        ...key,
        lsn: wal.lsn.toUpperCase(),
        lsnBytes: wal.lsnBytes,
        records: wal.records ?? null,
        fpi: wal.fpi ?? null,
        bytes: wal.bytes ?? null,
        buffersFull: wal.buffersFull ?? null,
        statsReset: wal.statsReset ?? null,
      },
    });
  }

  const slots = snapshot.replicationSlots ?? [];
  if (slots.length > 0) {
    await tx.replicationSlotSample.createMany({
      data: slots.map((slot) => ({
        ...key,
        ...slot,
        database: slot.database ?? null,
        retainedBytes: slot.retainedBytes ?? null,
        xminAge: slot.xminAge ?? null,
      })),
    });
  }

  const skipped = snapshot.skippedFamilies ?? [];
  if (skipped.length > 0) {
    await tx.skippedFamily.createMany({ data: skipped.map((row) => ({ ...key, ...row })) });
  }
}
