import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';

interface Page {
  auditEvents: { nodes: Array<{ id: string; action: string; actorId: string | null; requestId: string | null }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
}

const AUDIT = `query ($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) { nodes { id action actorId requestId } pageInfo { endCursor hasNextPage } }
}`;

describe.each(databaseKinds())('audit log on %s', (kind) => {
  let server: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    admin = await server.createUser('ADMIN');
    for (let i = 0; i < 3; i += 1) {
      await server.createUser('VIEWER');
    }
    await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  function query(variables: Record<string, unknown>) {
    return server.graphql<Page>(AUDIT, variables, { token: admin.token });
  }

  it('filters by action', async () => {
    const response = await query({ filter: { action: 'COLLECTOR_REGISTERED' } });
    expect(response.body.data?.auditEvents.nodes.map((node) => node.action)).toEqual(['COLLECTOR_REGISTERED']);
  });

  it('filters by actor', async () => {
    await server.graphql('mutation { logoutAll }', {}, { token: (await server.createUser('ADMIN')).token });
    const response = await query({ filter: { actorId: admin.id } });
    const nodes = response.body.data!.auditEvents.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((node) => node.actorId === admin.id)).toBe(true);
  });

  it('pages without gaps or repeats', async () => {
    const all = (await query({ first: 200 })).body.data!.auditEvents.nodes.map((node) => node.id);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page['auditEvents'] = (await query({ first: 2, after })).body.data!.auditEvents;
      seen.push(...page.nodes.map((node) => node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toEqual(all);
  });

  it('filters by time range', async () => {
    const future = await query({ filter: { from: '2999-01-01T00:00:00Z' } });
    expect(future.body.data?.auditEvents.nodes).toEqual([]);
    const backwards = await query({ filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect(backwards.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('records the request id', async () => {
    const response = await query({ filter: { action: 'LOGIN_SUCCEEDED' }, first: 1 });
    expect(response.body.data?.auditEvents.nodes[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects UPDATE and DELETE', async () => {
    await expect(server.database.prisma.auditEvent.updateMany({ data: { action: 'X' } })).rejects.toThrow(/append-only/);
    await expect(server.database.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
  });

  it('guards /metrics', async () => {
    const viewer = await server.createUser('VIEWER');
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${viewer.token}` } })).status).toBe(403);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('pganalytics_token_revocations_total{kind="logout_all"} 1');
  });
});
