import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { TestServer, type TestUser } from './helpers/testServer.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/tokenSigner.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

const ME = '{ me { id role } }';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('bearer tokens', () => {
  let server: TestServer;
  let viewer: TestUser;
  let refreshToken: string;
  let collector: { collectorId: string; token: string };

  beforeAll(async () => {
    server = await TestServer.start();
    viewer = await server.createUser('VIEWER');
    const login = await server.graphql<{ login: { refreshToken: string } }>(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { refreshToken } }',
      { u: viewer.username, p: viewer.password },
    );
    refreshToken = login.body.data!.login.refreshToken;
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  function claims(overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return {
      typ: 'access', role: 'ADMIN', sub: viewer.id, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE,
      iat: now, exp: now + 600, jti: randomUUID(), ...overrides,
    };
  }

  async function meWith(token: string) {
    const response = await server.graphql(ME, {}, { token });
    return { status: response.status, code: response.body.errors?.[0]?.extensions?.['code'], message: response.body.errors?.[0]?.message };
  }

  it('accepts a valid access token', async () => {
    const response = await server.graphql<{ me: { id: string; role: string } }>(ME, {}, { token: viewer.token });
    expect(response.status).toBe(200);
    expect(response.body.data?.me).toEqual({ id: viewer.id, role: 'VIEWER' });
  });

  it('rejects alg none', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
    expect(await meWith(token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('rejects HS512 even with the right secret', async () => {
    const token = jwt.sign(claims(), server.config.jwtSecret, { algorithm: 'HS512' });
    expect(await meWith(token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = jwt.sign(claims({ iat: past - 60, exp: past }), server.config.jwtSecret, { algorithm: 'HS256' });
    expect(await meWith(token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'Invalid token: token has expired' });
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = viewer.token.split('.');
    const token = `${header}.${base64url(claims({ role: 'ADMIN' }))}.${signature}`;
    expect(await meWith(token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('rejects another secret, issuer or audience', async () => {
    expect(await meWith(jwt.sign(claims(), 'another-secret-another-secret-another', { algorithm: 'HS256' }))).toMatchObject({ status: 401 });
    expect(await meWith(jwt.sign(claims({ iss: 'someone-else' }), server.config.jwtSecret, { algorithm: 'HS256' }))).toMatchObject({ status: 401 });
    expect(await meWith(jwt.sign(claims({ aud: 'other-api' }), server.config.jwtSecret, { algorithm: 'HS256' }))).toMatchObject({ status: 401 });
  });

  it('rejects a token without a type claim', async () => {
    const { typ: _typ, ...untyped } = claims();
    expect(await meWith(jwt.sign(untyped, server.config.jwtSecret, { algorithm: 'HS256' }))).toMatchObject({ status: 401 });
  });

  it('takes the role from the database, not the token', async () => {
    const token = jwt.sign(claims({ role: 'ADMIN' }), server.config.jwtSecret, { algorithm: 'HS256' });
    const response = await server.graphql('{ users { id } }', {}, { token });
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('rejects a refresh token as a bearer token', async () => {
    expect(await meWith(refreshToken)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('rejects a collector token on user fields', async () => {
    expect(await meWith(collector.token)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('rejects an access token on pushMetrics', async () => {
    const response = await server.graphql(PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: viewer.token });
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('rejects access and collector tokens as refresh tokens', async () => {
    for (const token of [viewer.token, collector.token]) {
      const response = await server.graphql('mutation ($t: String!) { refreshToken(refreshToken: $t) { token } }', { t: token });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.message).toMatch(/expected a refresh token/);
    }
  });

  it('rejects a malformed Authorization header', async () => {
    const response = await server.graphql(ME, {}, { headers: { authorization: `Token ${viewer.token}` } });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.message).toMatch(/Bearer <token>/);
  });
});
