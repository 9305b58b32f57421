import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken expiresAt user { username role } } }';
const REFRESH = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { token refreshToken expiresAt } }';

interface Pair {
  token: string;
  refreshToken: string;
  expiresAt: string;
}

describe.each(databaseKinds())('login and refresh on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    user = await server.createUser('USER');
  });

  afterAll(async () => {
    await server.close();
  });

  async function login(username: string, password: string) {
    return server.graphql<{ login: Pair & { user: { username: string; role: string } } }>(LOGIN, { u: username, p: password });
  }

  async function refresh(token: string) {
    return server.graphql<{ refreshToken: Pair }>(REFRESH, { t: token });
  }

  it('returns a token pair with an ISO 8601 expiry', async () => {
    const response = await login(user.username, user.password);
    const payload = response.body.data!.login;
    expect(payload.user).toEqual({ username: user.username, role: 'USER' });
    expect(payload.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const lifetime = (Date.parse(payload.expiresAt) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(24 * 3600 - 60);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600);
  });

  it('gives one error for unknown users and wrong passwords', async () => {
    const unknown = await login('nobody-here', user.password);
    const wrong = await login(user.username, 'wrong-password-123');
    for (const response of [unknown, wrong]) {
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.message).toBe('Invalid username or password');
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('rejects a password over 72 bytes instead of truncating it', async () => {
    const long = user.password + 'é'.repeat(40);
    const response = await login(user.username, long);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/72 bytes/);
  });

  it('rotates the refresh token', async () => {
    const first = (await login(user.username, user.password)).body.data!.login;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.data!.refreshToken.refreshToken).not.toBe(first.refreshToken);

    const again = await refresh(first.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.errors?.[0]?.message).toMatch(/already used/);
  });

  it('revokes the family when a used token comes back', async () => {
    const first = (await login(user.username, user.password)).body.data!.login;
    const second = (await refresh(first.refreshToken)).body.data!.refreshToken;
    await refresh(first.refreshToken);

    const descendant = await refresh(second.refreshToken);
    expect(descendant.status).toBe(401);
  });

  it('lets exactly one of two concurrent refreshes through', async () => {
    const first = (await login(user.username, user.password)).body.data!.login;
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
  });

  it('stores refresh tokens only as hashes', async () => {
    const first = (await login(user.username, user.password)).body.data!.login;
    const rows = await server.database.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.tokenHash === first.refreshToken)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.tokenHash))).toBe(true);
  });

  it('logs failures at warn and successes at info, without passwords', async () => {
    await login(user.username, 'wrong-password-456');
    const failure = server.logs.find('login failed').at(-1);
    expect(failure).toMatchObject({ level: 40, username: user.username, reason: 'wrong_password' });
    expect(failure?.['reqId']).toEqual(expect.any(String));
    expect(server.logs.find('login succeeded')[0]).toMatchObject({ level: 30, username: user.username });
    expect(server.logs.text()).not.toContain('wrong-password-456');
    expect(server.logs.text()).not.toContain(user.password);
  });
});
