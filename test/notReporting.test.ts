import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import { checkNotReporting } from '../src/alerts/checkNotReporting.js';

const ALERTS = `query ($serverId: ID) {
  alerts(serverId: $serverId, first: 50) { nodes { rule state severity threshold history { kind } } }
}`;

describe.each(databaseKinds())('not-reporting check on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  let collector: { collectorId: string; token: string };
  // Snapshots lie in the past so that the API accepts them; the check gets its own clock.
  const start = new Date(Date.now() - 6 * 3600_000);

  beforeAll(async () => {
    server = await TestServer.start(kind);
    user = await server.createUser('USER');
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

  async function push(collectedAt: Date): Promise<string> {
    const snapshot = snapshotFixture(collector.collectorId, { collectedAt: collectedAt.toISOString() });
    const response = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: snapshot }, { token: collector.token });
    return response.body.data!.pushMetrics.serverId;
  }

  async function notReporting(serverId: string) {
    const response = await server.graphql<{ alerts: { nodes: Array<{ rule: string; state: string; threshold: number; history: Array<{ kind: string }> }> } }>(
      ALERTS, { serverId }, { token: user.token },
    );
    return response.body.data!.alerts.nodes.filter((alert) => alert.rule === 'server_not_reporting');
  }

  it('opens after missed intervals and resolves on push', async () => {
    const serverId = await push(at(0));
    const prisma = server.database.prisma;

    expect(await checkNotReporting(prisma, at(180), 3)).toEqual({ opened: 0, resolved: 0 });
    expect(await checkNotReporting(prisma, at(181), 3)).toEqual({ opened: 1, resolved: 0 });
    expect(await checkNotReporting(prisma, at(600), 3)).toEqual({ opened: 0, resolved: 0 });

    const firing = await notReporting(serverId);
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ state: 'FIRING', threshold: 180 });

    await push(at(610));
    const resolved = await notReporting(serverId);
    expect(resolved[0]!.state).toBe('RESOLVED');
    expect(resolved[0]!.history.map((event) => event.kind)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('uses the server interval', async () => {
    const serverId = await push(at(700));
    await server.graphql(
      'mutation ($id: ID!) { updateConfig(serverId: $id, input: { intervalSeconds: 600 }) { intervalSeconds } }',
      { id: serverId }, { token: user.token },
    );
    expect((await checkNotReporting(server.database.prisma, at(700 + 1800), 3)).opened).toBe(0);
    expect((await checkNotReporting(server.database.prisma, at(700 + 1801), 3)).opened).toBe(1);
  });
});
