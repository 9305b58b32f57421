import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';
import type { CheckpointerStatsWire, SnapshotWire } from '../src/collector/snapshotWire.js';

const ALERTS = `
  query ($serverId: ID, $state: AlertState) {
    alerts(serverId: $serverId, state: $state) {
      nodes { id rule state value firedAt history { kind state value } }
    }
  }`;

interface AlertNode {
  id: string;
  rule: string;
  state: string;
  value: number;
  firedAt: string | null;
  history: Array<{ kind: string; state: string; value: number }>;
}

const MINUTE = 60_000;

function checkpointer(timed: number, requested: number, statsReset: string | null = null): CheckpointerStatsWire {
  return { checkpointsTimed: String(timed), checkpointsRequested: String(requested), writeTimeMs: 1, syncTimeMs: 1, buffersWritten: '10', statsReset };
}

describe.each(databaseKinds())('requested checkpoint alerts on %s', (kind) => {
  let server: TestServer;
  let viewer: TestUser;
  let collector: { collectorId: string; token: string };
  let systemIdentifier = 3000;
  const start = Date.now() - 12 * 3600_000;
  const minuteIso = (minutes: number) => new Date(start + minutes * MINUTE).toISOString();

  beforeAll(async () => {
    server = await TestServer.start(kind);
    viewer = await server.createUser('VIEWER');
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  /** Pushes a snapshot of the current test's server taken `minutes` after `start` and returns the server id. */
  async function push(minutes: number, families: Partial<SnapshotWire>): Promise<string> {
    const snapshot = snapshotFixture(collector.collectorId, { collectedAt: minuteIso(minutes), ...families });
    snapshot.server.systemIdentifier = String(systemIdentifier);
    return server.pushSnapshot(collector.token, snapshot);
  }

  /** Returns the server's requested_checkpoints alerts in `state`, or in any state without one. */
  async function alerts(serverId: string, state?: string): Promise<AlertNode[]> {
    const response = await server.graphql<{ alerts: { nodes: AlertNode[] } }>(ALERTS, { serverId, state }, { token: viewer.token });
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.alerts.nodes.filter((alert) => alert.rule === 'requested_checkpoints');
  }

  it('first snapshot counts since reset', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { checkpointer: checkpointer(1, 3) });
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.value).toBe(0.75);

    // A snapshot without the checkpointer family has no value, so the alert resolves.
    await push(1, {});
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);
    expect(await alerts(serverId, 'RESOLVED')).toHaveLength(1);
  });

  it('quiet intervals keep the alert firing', async () => {
    systemIdentifier += 1;
    // A requested checkpoint every 4 minutes and a timed one every 15,
    // pushed every minute, so most intervals contain no checkpoint.
    let timed = 10;
    let requested = 2;
    const serverId = await push(0, { checkpointer: checkpointer(timed, requested) });
    expect(await alerts(serverId)).toHaveLength(0);

    for (let minute = 1; minute <= 88; minute += 1) {
      timed += minute % 15 === 0 ? 1 : 0;
      requested += minute % 4 === 0 ? 1 : 0;
      await push(minute, { checkpointer: checkpointer(timed, requested) });
    }
    const afterCheckpoints = await alerts(serverId);
    expect(afterCheckpoints).toHaveLength(1);
    expect(afterCheckpoints[0]?.state).toBe('FIRING');
    expect(afterCheckpoints[0]?.firedAt).toBe(minuteIso(4));
    // The window from minute 28 to 88 contains requested checkpoints 32 to 88 and timed ones 30 to 75.
    expect(afterCheckpoints[0]?.value).toBeCloseTo(15 / 19);

    // The last checkpoint, at minute 88, stays in the window until minute 147.
    for (let minute = 89; minute <= 147; minute += 1) {
      await push(minute, { checkpointer: checkpointer(timed, requested) });
    }
    const quiet = await alerts(serverId);
    expect(quiet).toHaveLength(1);
    expect(quiet[0]?.state).toBe('FIRING');
    expect(quiet[0]?.value).toBe(1);
    expect(quiet[0]?.history.map((event) => event.kind)).toEqual(['FIRING']);

    await push(148, { checkpointer: checkpointer(timed, requested) });
    const resolved = await alerts(serverId);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.state).toBe('RESOLVED');
    expect(resolved[0]?.history.map((event) => event.kind)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('timed checkpoints lower the share', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { checkpointer: checkpointer(10, 2) });
    await push(1, { checkpointer: checkpointer(11, 5) });
    expect((await alerts(serverId, 'FIRING'))[0]?.value).toBe(0.75);

    // Two more timed checkpoints make the hour's share 3 of 6, which is not above half.
    await push(2, { checkpointer: checkpointer(13, 5) });
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);
    expect(await alerts(serverId, 'RESOLVED')).toHaveLength(1);
  });

  it('stats reset keeps earlier checkpoints', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { checkpointer: checkpointer(100, 10) });
    await push(1, { checkpointer: checkpointer(101, 12) });
    // pg_stat_reset_shared() between minutes 1 and 2: the counters restart and stats_reset changes.
    const reset = minuteIso(1.5);
    await push(2, { checkpointer: checkpointer(0, 1, reset) });
    await push(3, { checkpointer: checkpointer(1, 1, reset) });

    // Minute 1 adds 1 timed and 2 requested, minute 2 adds 1 requested and minute 3 adds 1 timed.
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.value).toBe(0.6);
  });

  it('counters going down count as reset', async () => {
    systemIdentifier += 1;
    // A crash restart zeroes the counters but leaves stats_reset unchanged here.
    const serverId = await push(0, { checkpointer: checkpointer(50, 5) });
    await push(1, { checkpointer: checkpointer(52, 9) });
    await push(2, { checkpointer: checkpointer(0, 2) });
    await push(3, { checkpointer: checkpointer(1, 2) });

    // Timed: 2 + 0 + 1, requested: 4 + 2 + 0.
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.value).toBeCloseTo(6 / 9);
  });

  it('reset before the current snapshot', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { checkpointer: checkpointer(40, 40) });
    await push(1, { checkpointer: checkpointer(41, 40) });
    // Reset between minutes 1 and 2: the current counters are the whole increase of that step.
    await push(2, { checkpointer: checkpointer(1, 3, minuteIso(1.5)) });

    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.value).toBe(0.6);
  });

  it('gap longer than the window', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { checkpointer: checkpointer(10, 2) });
    // Without a sample in the last hour, the previous sample is the baseline.
    await push(180, { checkpointer: checkpointer(11, 5) });
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]?.value).toBe(0.75);
  });
});
