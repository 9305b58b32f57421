import { TestServer } from './helpers/testServer.js';
import { LogCapture } from './helpers/captureLogs.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import { createLogger } from '../src/logger.js';

/** Forms in which a secret could leak into a log line. */
function leakedForms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')];
}

describe('log lines', () => {
  it('never contain a password, token or secret during a full scenario', async () => {
    const server = await TestServer.start();
    const secrets: string[] = [server.config.jwtSecret, server.config.registrationSecret];
    try {
      const admin = await server.createUser('ADMIN');
      secrets.push(admin.password, admin.token);

      const login = await server.graphql<{ login: { token: string; refreshToken: string } }>(
        'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken } }',
        { u: admin.username, p: admin.password },
      );
      const pair = login.body.data!.login;
      secrets.push(pair.token, pair.refreshToken);
      await server.graphql('mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
        u: admin.username,
        p: 'not-the-password-123',
      });
      secrets.push('not-the-password-123');

      const refreshed = await server.graphql<{ refreshToken: { token: string; refreshToken: string } }>(
        'mutation ($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }',
        { t: pair.refreshToken },
      );
      secrets.push(refreshed.body.data!.refreshToken.token, refreshed.body.data!.refreshToken.refreshToken);
      // Reusing the consumed refresh token logs a warning that must not hold it.
      await server.graphql('mutation ($t: String!) { refreshToken(refreshToken: $t) { token } }', { t: pair.refreshToken });

      const collector = await server.registerCollector();
      secrets.push(collector.token);
      await server.graphql(
        'mutation { registerCollector(input: { hostname: "wrong-secret" }) { token } }',
        {},
        { headers: { 'x-registration-secret': 'a-wrong-registration-secret-value' } },
      );
      secrets.push('a-wrong-registration-secret-value');
      await server.graphql(PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: collector.token });
      await server.graphql('{ me { id } }', {}, { token: `${admin.token}tampered` });

      // User management and password changes, each with a password in the variables.
      const created = await server.graphql<{ createUser: { id: string } }>(
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username: 'log-scan-user', password: 'first-passphrase-for-scan', role: 'VIEWER' } },
        { token: admin.token },
      );
      const userId = created.body.data!.createUser.id;
      secrets.push('first-passphrase-for-scan', 'reset-passphrase-for-scan', 'final-passphrase-for-scan', 'wrong-current-passphrase', 'Password1234');
      await server.graphql('mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', {
        input: { username: 'log-scan-weak', password: 'Password1234', role: 'VIEWER' },
      }, { token: admin.token });
      await server.graphql('mutation ($id: ID!, $p: String!) { resetUserPassword(id: $id, password: $p) { id } }', { id: userId, p: 'reset-passphrase-for-scan' }, { token: admin.token });
      const temporary = await server.graphql<{ login: { token: string; refreshToken: string } }>(
        'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken } }',
        { u: 'log-scan-user', p: 'reset-passphrase-for-scan' },
      );
      secrets.push(temporary.body.data!.login.token, temporary.body.data!.login.refreshToken);
      await server.graphql('mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }', {
        c: 'wrong-current-passphrase', n: 'final-passphrase-for-scan',
      }, { token: temporary.body.data!.login.token });
      const changed = await server.graphql<{ changePassword: { token: string; refreshToken: string } }>(
        'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token refreshToken } }',
        { c: 'reset-passphrase-for-scan', n: 'final-passphrase-for-scan' },
        { token: temporary.body.data!.login.token },
      );
      secrets.push(changed.body.data!.changePassword.token, changed.body.data!.changePassword.refreshToken);
      await server.graphql('mutation ($t: String!) { logout(refreshToken: $t) }', { t: changed.body.data!.changePassword.refreshToken });
      await server.graphql('mutation ($t: String!) { logout(refreshToken: $t) }', { t: `${changed.body.data!.changePassword.refreshToken}x` });
      await server.graphql('mutation { logoutAll }', {}, { token: refreshed.body.data!.refreshToken.token });
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${pair.token}x` } });
    } finally {
      await server.close();
    }

    const text = server.logs.text();
    expect(server.logs.raw.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const form of leakedForms(secret)) {
        expect(text.includes(form) ? `leaked: ${form.slice(0, 12)}…` : 'clean').toBe('clean');
      }
    }
  });

  it('record each request with its id and outcome', async () => {
    const server = await TestServer.start();
    try {
      await server.graphql('{ me { id } }');
    } finally {
      await server.close();
    }
    const completed = server.logs.find('request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ level: 40, statusCode: 401, path: '/graphql', reqId: expect.any(String) });
  });

  it('redact secrets passed by mistake', () => {
    const capture = new LogCapture();
    const logger = createLogger({ logLevel: 'info' }, capture);
    logger.info(
      { req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-registration-secret': 'reg-secret' } }, password: 'hunter2hunter2', token: 'tok' },
      'careless line',
    );
    expect(capture.text()).not.toMatch(/abc\.def\.ghi|reg-secret|hunter2|"tok"/);
    expect(capture.lines[0]).toMatchObject({ password: '[Redacted]', token: '[Redacted]' });
  });
});
