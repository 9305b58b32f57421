import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, databaseRow, snapshotFixture } from './helpers/snapshotFixture.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';

const TIMESERIES = `
  query ($id: ID!, $metric: MetricName!, $from: DateTime!, $to: DateTime!, $step: Int) {
    server(id: $id) { timeseries(metric: $metric, from: $from, to: $to, step: $step) { time value } }
  }`;

const MINUTE = 60_000;

describe.each(databaseKinds())('timeseries on %s', (kind) => {
  let server: TestServer;
  let viewer: TestUser;
  let serverId: string;
  // Four snapshots a minute apart, 5 s into their minute so that each one
  // falls into its own 60-second bucket.
  const start = Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE + 5000;
  const at = (index: number) => new Date(start + index * MINUTE);
  const reset = new Date(start + 2 * MINUTE - 10_000).toISOString();

  const samples: Array<Partial<SnapshotWire> & { counters: Parameters<typeof databaseRow>[1] }> = [
    { counters: { xactCommit: '1000', xactRollback: '10', blksHit: '9900', blksRead: '100', deadlocks: '0', tempBytes: '0', frozenXidAge: '500' } },
    { counters: { xactCommit: '1600', xactRollback: '20', blksHit: '10800', blksRead: '200', deadlocks: '2', tempBytes: '6000', frozenXidAge: '600' } },
    // pg_stat_reset() ran between the second and third snapshot.
    { counters: { xactCommit: '300', xactRollback: '5', blksHit: '1000', blksRead: '0', deadlocks: '0', tempBytes: '0', statsReset: reset, frozenXidAge: '700' } },
    { counters: { xactCommit: '900', xactRollback: '5', blksHit: '1500', blksRead: '500', deadlocks: '1', tempBytes: '600', statsReset: reset, frozenXidAge: '800' } },
  ];

  beforeAll(async () => {
    server = await TestServer.start(kind);
    viewer = await server.createUser('VIEWER');
    const collector = await server.registerCollector();

    for (const [index, sample] of samples.entries()) {
      const snapshot = snapshotFixture(collector.collectorId, {
        collectedAt: at(index).toISOString(),
        databases: [databaseRow('app', { ...sample.counters, sizeBytes: String(1000 * (index + 1)) }), databaseRow('other', { sizeBytes: '500' })],
        activity: {
          ...snapshotFixture(collector.collectorId).activity,
          totalConnections: 10 * (index + 1),
          longestTransactionSeconds: index * 30,
          longestLockWaitSeconds: index * 120,
        },
        replication: [{
          standby: 'replica1', clientAddr: '10.0.0.2', state: 'streaming', syncState: 'async',
          sentLagBytes: '0', writeLagBytes: '0', flushLagBytes: '0', replayLagBytes: String(index * 1024),
          writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: 0.5,
        }],
      });
      if (index === 1) {
        // The second snapshot comes from a collector that does not send the lock wait.
        delete (snapshot.activity as Partial<SnapshotWire['activity']>).longestLockWaitSeconds;
      }
      const response = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: snapshot }, { token: collector.token });
      if (!response.body.data) {
        throw new Error(JSON.stringify(response.body.errors));
      }
      serverId = response.body.data.pushMetrics.serverId;
    }
  });

  afterAll(async () => {
    await server.close();
  });

  async function series(metric: string, step: number | null = 60) {
    const response = await server.graphql<{ server: { timeseries: Array<{ time: string; value: number }> } }>(
      TIMESERIES,
      { id: serverId, metric, from: at(0).toISOString(), to: at(4).toISOString(), step },
      { token: viewer.token },
    );
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.server.timeseries;
  }

  const bucketOf = (index: number) => new Date(at(index).getTime() - 5000).toISOString();

  it('reads gauges once per bucket', async () => {
    expect(await series('CONNECTIONS')).toEqual([0, 1, 2, 3].map((i) => ({ time: bucketOf(i), value: 10 * (i + 1) })));
    expect((await series('CONNECTION_UTILIZATION')).map((p) => p.value)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect((await series('DATABASE_SIZE_BYTES')).map((p) => p.value)).toEqual([1500, 2500, 3500, 4500]);
    expect((await series('REPLICATION_REPLAY_LAG_BYTES')).map((p) => p.value)).toEqual([0, 1024, 2048, 3072]);
    expect((await series('LONGEST_TRANSACTION_SECONDS')).map((p) => p.value)).toEqual([0, 30, 60, 90]);
    expect((await series('TRANSACTION_ID_AGE')).map((p) => p.value)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('leaves out buckets without a lock wait', async () => {
    expect(await series('LONGEST_LOCK_WAIT_SECONDS')).toEqual([
      { time: bucketOf(0), value: 0 },
      { time: bucketOf(2), value: 240 },
      { time: bucketOf(3), value: 360 },
    ]);
  });

  it('computes rates across a stats reset', async () => {
    const tps = await series('TRANSACTIONS_PER_SECOND');
    expect(tps.map((p) => p.time)).toEqual([bucketOf(1), bucketOf(2), bucketOf(3)]);
    expect(tps[0]!.value).toBeCloseTo(610 / 60, 6);
    // After the reset the counter restarted from zero: the increase is its whole value.
    expect(tps[1]!.value).toBeCloseTo(305 / 60, 6);
    expect(tps[2]!.value).toBeCloseTo(600 / 60, 6);
    expect(tps.every((p) => p.value >= 0)).toBe(true);
  });

  it('computes per-minute and per-second rates', async () => {
    expect((await series('DEADLOCKS_PER_MINUTE')).map((p) => p.value)).toEqual([2, 0, 1]);
    expect((await series('TEMP_BYTES_PER_SECOND')).map((p) => p.value)).toEqual([100, 0, 10]);
  });

  it('computes ratios over each interval', async () => {
    const hit = await series('CACHE_HIT_RATIO');
    expect(hit.map((p) => p.value)).toEqual([0.9, 1, 0.5]);
    const rollback = await series('ROLLBACK_RATIO');
    expect(rollback[0]!.value).toBeCloseTo(10 / 610, 6);
    expect(rollback[1]!.value).toBeCloseTo(5 / 305, 6);
    expect(rollback[2]!.value).toBe(0);
  });

  it('averages samples in a wider bucket', async () => {
    const points = await series('CONNECTIONS', 3600);
    const total = points.reduce((sum, p) => sum + p.value, 0);
    expect(points.length).toBeLessThanOrEqual(2);
    expect(total).toBeGreaterThan(0);
  });

  it('picks a default step', async () => {
    expect((await series('CONNECTIONS', null)).length).toBe(4);
  });

  it('rejects a window that is empty or too finely divided', async () => {
    const reversed = await server.graphql(TIMESERIES, { id: serverId, metric: 'CONNECTIONS', from: at(3).toISOString(), to: at(0).toISOString() }, { token: viewer.token });
    expect(reversed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const fine = await server.graphql(TIMESERIES, { id: serverId, metric: 'CONNECTIONS', from: at(0).toISOString(), to: at(4).toISOString(), step: 0 }, { token: viewer.token });
    expect(fine.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'step' });
  });

  it('rejects an unknown metric name', async () => {
    const response = await server.graphql(TIMESERIES, { id: serverId, metric: 'NOT_A_METRIC', from: at(0).toISOString(), to: at(4).toISOString() }, { token: viewer.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
