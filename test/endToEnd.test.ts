import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { TestServer } from './helpers/testServer.js';
import { PUSH_METRICS } from './helpers/snapshotFixture.js';
import { readSnapshot } from '../src/collector/readSnapshot.js';

const liveUrl = process.env.TEST_DATABASE_URL;
const describeLive = liveUrl ? describe : describe.skip;

describeLive('end to end against the real PostgreSQL (TEST_DATABASE_URL)', () => {
  it('registers, pushes real statistics over HTTP and reads them back as a viewer', async () => {
    const server = await TestServer.start('postgresql');
    const client = new pg.Client({ connectionString: liveUrl });
    await client.connect();
    try {
      const registration = await server.graphql<{ registerCollector: { collectorId: string; token: string } }>(
        'mutation ($input: RegisterCollectorInput!) { registerCollector(input: $input) { collectorId token expiresAt } }',
        { input: { hostname: `e2e-${randomUUID().slice(0, 8)}.local`, description: 'end-to-end test' } },
        { headers: { 'x-registration-secret': server.config.registrationSecret } },
      );
      const { collectorId, token } = registration.body.data!.registerCollector;

      const url = new URL(liveUrl!);
      const snapshot = await readSnapshot(client, { collectorId, snapshotId: randomUUID(), host: url.hostname, port: Number(url.port || 5432) });
      const pushed = await server.graphql<{ pushMetrics: { serverId: string; stored: boolean } }>(PUSH_METRICS, { input: snapshot }, { token });
      expect(pushed.status).toBe(200);
      expect(pushed.body.data?.pushMetrics.stored).toBe(true);

      const viewer = await server.createUser('VIEWER');
      const read = await server.graphql<{
        server: { version: string; maxConnections: number; summary: { connections: number; cacheHitRatio: number | null } };
      }>(
        'query ($id: ID!) { server(id: $id) { version maxConnections summary { connections cacheHitRatio } } }',
        { id: pushed.body.data!.pushMetrics.serverId },
        { token: viewer.token },
      );
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
      const maxConnections = Number((await client.query<{ max_connections: string }>('SHOW max_connections')).rows[0]!.max_connections);

      expect(read.body.data?.server.version).toBe(version);
      expect(read.body.data?.server.maxConnections).toBe(maxConnections);
      expect(read.body.data?.server.summary.connections).toBe(snapshot.activity.totalConnections);
      expect(read.body.data?.server.summary.cacheHitRatio).toBeGreaterThan(0);
      const databases = await server.database.prisma.databaseSample.findMany({ where: { snapshotId: snapshot.snapshotId } });
      expect(databases.map((row) => row.datname)).toContain(url.pathname.slice(1) || 'postgres');
    } finally {
      await client.end();
      await server.close();
    }
  });
});
