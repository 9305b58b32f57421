import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

const ALL_FAMILIES = [
  'DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS',
];

const CONFIG = 'query ($id: ID!) { config(serverId: $id) { serverId intervalSeconds families customized updatedAt } }';
const UPDATE = `mutation ($id: ID!, $input: UpdateConfigInput!) {
  updateConfig(serverId: $id, input: $input) { intervalSeconds families customized updatedAt }
}`;

describe.each(databaseKinds())('collection settings on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  let serverId: string;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    user = await server.createUser('USER');
    const collector = await server.registerCollector();
    const pushed = await server.graphql<{ pushMetrics: { serverId: string } }>(
      PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: collector.token },
    );
    serverId = pushed.body.data!.pushMetrics.serverId;
  });

  afterAll(async () => {
    await server.close();
  });

  it('returns the defaults before any change', async () => {
    const response = await server.graphql(CONFIG, { id: serverId }, { token: user.token });
    expect(response.body.data?.['config']).toEqual({
      serverId, intervalSeconds: 60, families: ALL_FAMILIES, customized: false, updatedAt: null,
    });
  });

  it('changes only the fields given', async () => {
    await server.graphql(UPDATE, { id: serverId, input: { intervalSeconds: 30 } }, { token: user.token });
    const response = await server.graphql(UPDATE, { id: serverId, input: { families: ['WAL', 'ACTIVITY', 'ACTIVITY', 'LOCKS'] } }, { token: user.token });
    expect(response.body.data?.['updateConfig']).toMatchObject({ intervalSeconds: 30, families: ['ACTIVITY', 'LOCKS', 'WAL'], customized: true });

    const read = await server.graphql<{ server: { config: { intervalSeconds: number } } }>(
      'query ($id: ID!) { server(id: $id) { config { intervalSeconds } } }', { id: serverId }, { token: user.token },
    );
    expect(read.body.data?.server.config.intervalSeconds).toBe(30);
  });

  it.each([
    [{ intervalSeconds: 5 }, 'input.intervalSeconds'],
    [{ intervalSeconds: 7200 }, 'input.intervalSeconds'],
    [{ families: [] }, 'input.families'],
    [{ families: ['DATABASES', 'STATEMENTS'] }, 'input.families'],
  ])('rejects %j', async (input, field) => {
    const response = await server.graphql(UPDATE, { id: serverId, input }, { token: user.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('says why ACTIVITY cannot be left out', async () => {
    const response = await server.graphql(UPDATE, { id: serverId, input: { families: ['DATABASES'] } }, { token: user.token });
    expect(response.body.errors?.[0]?.message).toMatch(/families must include ACTIVITY/);
  });

  it('rejects an unknown or malformed server id', async () => {
    const unknown = await server.graphql(CONFIG, { id: '00000000-0000-4000-8000-000000000000' }, { token: user.token });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serverId' });
    const malformed = await server.graphql(CONFIG, { id: "1' OR '1'='1" }, { token: user.token });
    expect(malformed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'serverId' });
  });

  it('returns null for a server that does not exist', async () => {
    const response = await server.graphql('query ($id: ID!) { server(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, { token: user.token });
    expect(response.body).toEqual({ data: { server: null } });
  });
});
