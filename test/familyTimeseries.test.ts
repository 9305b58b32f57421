import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import type { StatementStatsWire, SnapshotWire } from '../src/collector/snapshotWire.js';

const TIMESERIES = `
  query ($id: ID!, $metric: MetricName!, $from: DateTime!, $to: DateTime!, $step: Int) {
    server(id: $id) { timeseries(metric: $metric, from: $from, to: $to, step: $step) { time value } }
  }`;

const MINUTE = 60_000;

function statement(queryid: string, calls: number, totalExecTimeMs: number): StatementStatsWire {
  return {
    queryid, datname: 'app', username: 'app_user', calls: String(calls), totalExecTimeMs, meanExecTimeMs: totalExecTimeMs / calls,
    rows: '0', sharedBlksHit: '0', sharedBlksRead: '0', sharedBlksWritten: '0', localBlksHit: '0', localBlksRead: '0',
    localBlksWritten: '0', tempBlksRead: '0', tempBlksWritten: '0', blkReadTimeMs: 0, blkWriteTimeMs: 0, query: null,
  };
}

/** Families of three snapshots a minute apart; statement -42 first appears in the second one. */
const FAMILIES: Array<Partial<SnapshotWire>> = [
  { statements: [statement('7', 100, 1000)], requested: 5, timed: 10, lsnBytes: 1000, retained: 500 },
  { statements: [statement('7', 160, 1600), statement('-42', 1000, 500)], requested: 6, timed: 13, lsnBytes: 61_000, retained: 700 },
  { statements: [statement('7', 220, 2800), statement('-42', 1060, 1100)], requested: 8, timed: 13, lsnBytes: 181_000, retained: 600 },
].map(({ statements, requested, timed, lsnBytes, retained }) => ({
  statements,
  tables: [
    {
      datname: 'app', schemaname: 'public', relname: 'orders', seqScan: '1', idxScan: '2', nTupIns: '3', nTupUpd: '4', nTupDel: '5',
      nTupHotUpd: '1', nLiveTup: '900', nDeadTup: '100', lastVacuum: null, lastAutovacuum: '2026-01-01T00:00:00.000Z',
      lastAnalyze: null, lastAutoanalyze: null, heapBlksRead: '10', heapBlksHit: '90', idxBlksRead: '1', idxBlksHit: '9', sizeBytes: '8192',
    },
  ],
  indexes: [
    { datname: 'app', schemaname: 'public', relname: 'orders', indexrelname: 'orders_pkey', idxScan: '2', idxTupRead: '2', idxTupFetch: '2', idxBlksRead: '1', idxBlksHit: '9', sizeBytes: '8192' },
  ],
  checkpointer: { checkpointsTimed: String(timed), checkpointsRequested: String(requested), writeTimeMs: 1.5, syncTimeMs: 0.5, buffersWritten: '100', statsReset: null },
  wal: { lsn: `0/${lsnBytes.toString(16).toUpperCase()}`, lsnBytes: String(lsnBytes), records: '1', fpi: '0', bytes: '100', buffersFull: '0', statsReset: null },
  replicationSlots: [{ slotName: 'standby_1', slotType: 'physical', database: null, active: false, retainedBytes: String(retained), xminAge: null }],
  skippedFamilies: [],
}));

describe.each(databaseKinds())('family timeseries on %s', (kind) => {
  let server: TestServer;
  let viewer: TestUser;
  let serverId: string;
  const start = Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE + 5000;
  const at = (index: number) => new Date(start + index * MINUTE);

  beforeAll(async () => {
    server = await TestServer.start(kind);
    viewer = await server.createUser('VIEWER');
    const collector = await server.registerCollector();
    for (const [index, families] of FAMILIES.entries()) {
      const snapshot = snapshotFixture(collector.collectorId, { collectedAt: at(index).toISOString(), ...families });
      const pushed = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: snapshot }, { token: collector.token });
      if (!pushed.body.data) {
        throw new Error(`push failed in test setup: ${JSON.stringify(pushed.body.errors)}`);
      }
      serverId = pushed.body.data.pushMetrics.serverId;
    }
  });

  afterAll(async () => {
    await server.close();
  });

  async function series(metric: string): Promise<number[]> {
    const response = await server.graphql<{ server: { timeseries: Array<{ value: number }> } }>(
      TIMESERIES,
      { id: serverId, metric, from: at(0).toISOString(), to: at(3).toISOString(), step: 60 },
      { token: viewer.token },
    );
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.server.timeseries.map((point) => point.value);
  }

  it('every family row is stored', async () => {
    const prisma = server.database.prisma;
    expect(await prisma.statementSample.count()).toBe(5);
    expect(await prisma.tableSample.count()).toBe(3);
    expect(await prisma.indexSample.count()).toBe(3);
    expect(await prisma.checkpointerSample.count()).toBe(3);
    expect(await prisma.walSample.count()).toBe(3);
    expect(await prisma.replicationSlotSample.count()).toBe(3);
    expect((await prisma.statementSample.findFirst({ where: { queryid: -42n } }))?.calls).toBe(1000n);
  });

  it('statement calls count only repeated statements', async () => {
    expect(await series('STATEMENT_CALLS_PER_SECOND')).toEqual([1, 2]);
  });

  it('statement mean time uses interval deltas', async () => {
    expect(await series('STATEMENT_MEAN_TIME_MS')).toEqual([10, 15]);
  });

  it('dead tuple ratio per snapshot', async () => {
    expect(await series('DEAD_TUPLE_RATIO')).toEqual([0.1, 0.1, 0.1]);
  });

  it('checkpoints requested per hour', async () => {
    expect(await series('CHECKPOINTS_REQUESTED_PER_HOUR')).toEqual([60, 120]);
  });

  it('requested checkpoint ratio', async () => {
    expect(await series('REQUESTED_CHECKPOINT_RATIO')).toEqual([0.25, 1]);
  });

  it('inactive slot seconds', async () => {
    expect(await series('INACTIVE_REPLICATION_SLOT_SECONDS')).toEqual([0, 60, 120]);
  });

  it('WAL bytes per second', async () => {
    expect(await series('WAL_BYTES_PER_SECOND')).toEqual([1000, 2000]);
  });

  it('slot retained bytes', async () => {
    expect(await series('REPLICATION_SLOT_RETAINED_BYTES')).toEqual([500, 700, 600]);
  });
});

describe('family validation', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('pglite');
  });

  afterAll(async () => {
    await server.close();
  });

  it('bad WAL position names the field', async () => {
    const collector = await server.registerCollector();
    const snapshot = snapshotFixture(collector.collectorId, { ...FAMILIES[0], wal: { ...FAMILIES[0]!.wal!, lsn: 'nowhere' } });
    const response = await server.graphql(PUSH_METRICS, { input: snapshot }, { token: collector.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['field']).toBe('input.wal.lsn');
  });

  it('skipped family is stored with its reason', async () => {
    const collector = await server.registerCollector();
    const skippedFamilies = [{ family: 'STATEMENTS' as const, reason: 'the pg_stat_statements extension is not installed' }];
    const snapshot = snapshotFixture(collector.collectorId, { skippedFamilies });
    const response = await server.graphql(PUSH_METRICS, { input: snapshot }, { token: collector.token });
    expect(response.status).toBe(200);
    const rows = await server.database.prisma.skippedFamily.findMany({ where: { snapshotId: snapshot.snapshotId } });
    expect(rows.map((row) => [row.family, row.reason])).toEqual([['STATEMENTS', skippedFamilies[0]!.reason]]);
  });
});
