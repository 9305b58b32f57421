import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken user { mustChangePassword } } }';
const REFRESH = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }';
const ME = '{ me { id role } }';

interface Pair {
  token: string;
  refreshToken: string;
}

describe.each(databaseKinds())('session revocation on %s', (kind) => {
  let server: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    admin = await server.createUser('ADMIN');
  });

  afterAll(async () => {
    await server.close();
  });

  async function login(user: { username: string; password: string }): Promise<Pair> {
    const response = await server.graphql<{ login: Pair }>(LOGIN, { u: user.username, p: user.password });
    return response.body.data!.login;
  }

  async function meStatus(token: string): Promise<number> {
    return (await server.graphql(ME, {}, { token })).status;
  }

  async function adminCall(query: string, variables: Record<string, unknown>) {
    return server.graphql(query, variables, { token: admin.token });
  }

  it('logout ends that session only', async () => {
    const user = await server.createUser('VIEWER');
    const first = await login(user);
    const second = await login(user);

    const response = await server.graphql('mutation ($t: String!) { logout(refreshToken: $t) }', { t: first.refreshToken });
    expect(response.body.data).toEqual({ logout: true });
    expect(await meStatus(first.token)).toBe(401);
    expect((await server.graphql(REFRESH, { t: first.refreshToken })).status).toBe(401);
    expect(await meStatus(second.token)).toBe(200);
  });

  it('logout twice succeeds', async () => {
    const user = await server.createUser('VIEWER');
    const pair = await login(user);
    await server.graphql('mutation ($t: String!) { logout(refreshToken: $t) }', { t: pair.refreshToken });
    const again = await server.graphql('mutation ($t: String!) { logout(refreshToken: $t) }', { t: pair.refreshToken });
    expect(again.body.data).toEqual({ logout: true });
  });

  it('logoutAll ends every session', async () => {
    const user = await server.createUser('VIEWER');
    const other = await login(user);
    const response = await server.graphql('mutation { logoutAll }', {}, { token: user.token });
    expect(response.body.data).toEqual({ logoutAll: true });
    expect(await meStatus(user.token)).toBe(401);
    expect(await meStatus(other.token)).toBe(401);
    expect((await server.graphql(REFRESH, { t: other.refreshToken })).status).toBe(401);
  });

  it('refresh reuse revokes the family and is audited', async () => {
    const user = await server.createUser('VIEWER');
    const pair = await login(user);
    const rotated = (await server.graphql<{ refreshToken: Pair }>(REFRESH, { t: pair.refreshToken })).body.data!.refreshToken;

    const replay = await server.graphql(REFRESH, { t: pair.refreshToken });
    expect(replay.status).toBe(401);
    expect(await meStatus(rotated.token)).toBe(401);
    expect((await server.graphql(REFRESH, { t: rotated.refreshToken })).status).toBe(401);

    const events = await adminCall('{ auditEvents(filter: { action: REFRESH_TOKEN_REUSED }) { nodes { targetId } } }', {});
    expect(events.body.data).toEqual({ auditEvents: { nodes: expect.arrayContaining([{ targetId: user.id }]) } });
  });

  it('role change ends tokens at once', async () => {
    const user = await server.createUser('USER');
    const response = await adminCall('mutation ($id: ID!) { updateUserRole(id: $id, role: VIEWER) { role } }', { id: user.id });
    expect(response.body.data).toEqual({ updateUserRole: { role: 'VIEWER' } });
    expect(await meStatus(user.token)).toBe(401);
    const fresh = await login(user);
    expect((await server.graphql<{ me: { role: string } }>(ME, {}, { token: fresh.token })).body.data?.me.role).toBe('VIEWER');
  });

  it('disabled user cannot log in', async () => {
    const user = await server.createUser('VIEWER');
    await adminCall('mutation ($id: ID!) { disableUser(id: $id) { disabled } }', { id: user.id });
    expect(await meStatus(user.token)).toBe(401);
    const refused = await server.graphql(LOGIN, { u: user.username, p: user.password });
    expect(refused.body.errors?.[0]?.message).toMatch(/disabled/);

    await adminCall('mutation ($id: ID!) { enableUser(id: $id) { disabled } }', { id: user.id });
    expect(await meStatus((await login(user)).token)).toBe(200);
  });

  it('last admin cannot be demoted', async () => {
    const solo = await TestServer.start(kind);
    try {
      const only = await solo.createUser('ADMIN');
      const response = await solo.graphql('mutation ($id: ID!) { updateUserRole(id: $id, role: VIEWER) { role } }', { id: only.id }, { token: only.token });
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
      const disable = await solo.graphql('mutation ($id: ID!) { disableUser(id: $id) { id } }', { id: only.id }, { token: only.token });
      expect(disable.body.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    } finally {
      await solo.close();
    }
  });

  it('password reset forces a change', async () => {
    const user = await server.createUser('USER');
    const temporary = 'temporary-reset-passphrase-1';
    await adminCall('mutation ($id: ID!, $p: String!) { resetUserPassword(id: $id, password: $p) { mustChangePassword } }', { id: user.id, p: temporary });
    expect(await meStatus(user.token)).toBe(401);

    const session = (await server.graphql<{ login: Pair & { user: { mustChangePassword: boolean } } }>(LOGIN, { u: user.username, p: temporary })).body.data!.login;
    expect(session.user.mustChangePassword).toBe(true);
    const blocked = await server.graphql('{ servers { id } }', {}, { token: session.token });
    expect(blocked.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const changed = await server.graphql<{ changePassword: Pair }>(
      'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token refreshToken } }',
      { c: temporary, n: 'a-new-passphrase-of-my-own' },
      { token: session.token },
    );
    const fresh = changed.body.data!.changePassword;
    expect((await server.graphql('{ servers { id } }', {}, { token: fresh.token })).body.errors).toBeUndefined();
    expect(await meStatus(session.token)).toBe(401);
  });

  it('changePassword rejects a wrong current password', async () => {
    const user = await server.createUser('VIEWER');
    const response = await server.graphql(
      'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }',
      { c: 'not-my-password-at-all', n: 'another-fine-passphrase' },
      { token: user.token },
    );
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect(await meStatus(user.token)).toBe(200);
  });

  it('revoked collector cannot push', async () => {
    const collector = await server.registerCollector();
    await adminCall('mutation ($id: ID!) { revokeCollector(id: $id) { revokedAt } }', { id: collector.collectorId });
    const push = await server.graphql(PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: collector.token });
    expect(push.status).toBe(401);
    expect(push.body.errors?.[0]?.message).toMatch(/revoked/);
  });

  it('deleted collector hostname registers again', async () => {
    const hostname = 'reused-host.example.test';
    const first = await server.registerCollector(hostname);
    await expect(server.registerCollector(hostname)).rejects.toThrow(/already registered/);

    const deleted = await adminCall('mutation ($id: ID!) { deleteCollector(id: $id) }', { id: first.collectorId });
    expect(deleted.body.data).toEqual({ deleteCollector: true });
    const push = await server.graphql(PUSH_METRICS, { input: snapshotFixture(first.collectorId) }, { token: first.token });
    expect(push.status).toBe(401);

    const second = await server.registerCollector(hostname);
    expect(second.collectorId).not.toBe(first.collectorId);
    const listed = await adminCall('{ collectors { id } }', {});
    expect(JSON.stringify(listed.body.data)).not.toContain(first.collectorId);
  });
});
