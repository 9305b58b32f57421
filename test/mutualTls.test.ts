import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createUser } from '../src/users/createUser.js';
import { TestServer } from './helpers/testServer.js';
import { httpsRequest, type HttpsResponse } from './helpers/httpsRequest.js';
import { createTestCertificates, signServerCertificate, type KeyPair, type TestCertificates } from './helpers/testCertificates.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Returns one root field of a response's data, typed by the caller. */
function field<T>(response: { json: GraphQLBody }, name: string): T {
  return response.json.data?.[name] as T;
}

const REGISTER = 'mutation ($input: RegisterCollectorInput!) { registerCollector(input: $input) { collectorId token } }';
const ROTATE = 'mutation ($id: ID!, $f: String!) { rotateCollectorCertificate(collectorId: $id, fingerprint: $f) { id certificateFingerprint } }';

const SECURITY_HEADERS: Array<[string, string]> = [
  ['x-frame-options', 'DENY'],
  ['x-content-type-options', 'nosniff'],
  ['x-xss-protection', '1; mode=block'],
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
];

describe('TLS and mutual TLS', () => {
  let certificates: TestCertificates;
  let server: TestServer;
  let adminToken: string;
  let collectorA: { collectorId: string; token: string };
  let collectorB: { collectorId: string; token: string };

  async function graphql(query: string, variables: Record<string, unknown>, options: { token?: string; client?: KeyPair; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.token) {
      headers['authorization'] = `Bearer ${options.token}`;
    }
    const response = await httpsRequest(`${server.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      ca: certificates.ca,
      cert: options.client?.cert,
      key: options.client?.key,
    });
    return { ...response, json: JSON.parse(response.body) as GraphQLBody };
  }

  async function register(hostname: string, client?: KeyPair) {
    return graphql(REGISTER, { input: { hostname } }, { client, headers: { 'x-registration-secret': server.config.registrationSecret } });
  }

  function push(collectorId: string, token: string, client?: KeyPair) {
    return graphql(PUSH_METRICS, { input: snapshotFixture(collectorId) }, { token, client });
  }

  beforeAll(async () => {
    certificates = createTestCertificates();
    const live = join(certificates.dir, 'live');
    mkdirSync(live);
    copyFileSync(certificates.server.certPath, join(live, 'server.pem'));
    copyFileSync(certificates.server.keyPath, join(live, 'server.key'));

    server = await TestServer.start('pglite', {
      env: {
        TLS_ENABLED: 'true',
        TLS_CERT_PATH: join(live, 'server.pem'),
        TLS_KEY_PATH: join(live, 'server.key'),
        MTLS_ENABLED: 'true',
        MTLS_CA_PATH: certificates.caPath,
      },
      appOptions: { certificatePollIntervalMs: 100 },
      beforeListen: (fastify) => {
        fastify.get('/test/too-many-requests', async (_request, reply) => reply.code(429).send({ error: 'rate limited' }));
      },
    });

    await createUser(server.database.prisma, { username: 'tls-admin', password: 'tls-admin-password-1', role: 'ADMIN' });
    const login = await graphql('mutation { login(username: "tls-admin", password: "tls-admin-password-1") { token } }', {});
    adminToken = field<{ token: string }>(login, 'login').token;

    const a = await register('collector-a.example.test', certificates.collectorA);
    collectorA = field<{ collectorId: string; token: string }>(a, 'registerCollector');
    const b = await register('collector-b.example.test', certificates.collectorB);
    collectorB = field<{ collectorId: string; token: string }>(b, 'registerCollector');
  });

  afterAll(async () => {
    await server.close();
  });

  it('serves HTTPS with TLS 1.2 or newer', async () => {
    const response = await graphql('{ me { username } }', {}, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.json.data).toEqual({ me: { username: 'tls-admin' } });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(response.protocol);
    expect(response.serverCertificate.fingerprint256).toBe(certificates.server.fingerprint);
  });

  it('rejects a TLS 1.1 handshake', async () => {
    const port = Number(new URL(server.url).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca: certificates.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error) => resolve(error.message));
    });
    expect(outcome).not.toBe('connected');
  });

  it('lets users work without a client certificate', async () => {
    const response = await graphql('{ collectors { id } }', {}, { token: adminToken });
    expect(response.status).toBe(200);
    expect(field<unknown[]>(response, 'collectors')).toHaveLength(2);
  });

  it('registration without a client certificate is rejected', async () => {
    const response = await register('no-certificate.example.test');
    expect(response.status).toBe(401);
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.json.errors?.[0]?.message).toMatch(/Client certificate required/);
  });

  it('registration stores the certificate fingerprint', async () => {
    const response = await graphql('{ collectors { id certificateFingerprint } }', {}, { token: adminToken });
    const collectors = field<Array<{ id: string; certificateFingerprint: string }>>(response, 'collectors');
    expect(collectors.find((c) => c.id === collectorA.collectorId)?.certificateFingerprint).toBe(certificates.collectorA.fingerprint);
    expect(collectors.find((c) => c.id === collectorB.collectorId)?.certificateFingerprint).toBe(certificates.collectorB.fingerprint);
  });

  it('registration with a certificate already bound is a conflict', async () => {
    const response = await register('second-use.example.test', certificates.collectorA);
    expect(response.status).toBe(409);
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('pushMetrics without a client certificate is rejected', async () => {
    const response = await push(collectorA.collectorId, collectorA.token);
    expect(response.status).toBe(401);
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('pushMetrics with a foreign CA certificate is rejected', async () => {
    const response = await push(collectorA.collectorId, collectorA.token, certificates.foreign);
    expect(response.status).toBe(401);
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.json.errors?.[0]?.message).toMatch(/Client certificate rejected/);
  });

  it('pushMetrics with an expired certificate is rejected', async () => {
    const response = await push(collectorA.collectorId, collectorA.token, certificates.expired);
    expect(response.status).toBe(401);
    expect(response.json.errors?.[0]?.message).toMatch(/CERT_HAS_EXPIRED|expired/i);
  });

  it("pushMetrics with another collector's certificate is forbidden", async () => {
    const response = await push(collectorA.collectorId, collectorA.token, certificates.collectorB);
    expect(response.status).toBe(403);
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(response.json.errors?.[0]?.message).toMatch(/not the one bound/);
  });

  it('pushMetrics with the bound certificate is stored', async () => {
    const response = await push(collectorA.collectorId, collectorA.token, certificates.collectorA);
    expect(response.status).toBe(200);
    expect(field<{ stored: boolean }>(response, 'pushMetrics').stored).toBe(true);
  });

  it('rotation moves the binding to the new certificate', async () => {
    const rotated = await graphql(ROTATE, { id: collectorA.collectorId, f: certificates.collectorC.fingerprint.toLowerCase() }, { token: adminToken });
    expect(field<{ certificateFingerprint: string }>(rotated, 'rotateCollectorCertificate').certificateFingerprint).toBe(certificates.collectorC.fingerprint);

    const withOld = await push(collectorA.collectorId, collectorA.token, certificates.collectorA);
    expect(withOld.status).toBe(403);
    const withNew = await push(collectorA.collectorId, collectorA.token, certificates.collectorC);
    expect(withNew.status).toBe(200);
  });

  it('rotation to a certificate bound elsewhere is a conflict', async () => {
    const response = await graphql(ROTATE, { id: collectorA.collectorId, f: certificates.collectorB.fingerprint }, { token: adminToken });
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('rotation rejects a malformed fingerprint', async () => {
    const response = await graphql(ROTATE, { id: collectorA.collectorId, f: 'AB:CD' }, { token: adminToken });
    expect(response.json.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(response.json.errors?.[0]?.extensions?.['field']).toBe('fingerprint');
  });

  describe.each([
    ['a success', () => graphql('{ me { id } }', {}, { token: adminToken }), 200],
    ['a GraphQL error', () => push(collectorB.collectorId, collectorB.token), 401],
    ['a 404', () => httpsRequest(`${server.url}/no-such-page`, { ca: certificates.ca }), 404],
    ['a 429', () => httpsRequest(`${server.url}/test/too-many-requests`, { ca: certificates.ca }), 429],
  ] as Array<[string, () => Promise<HttpsResponse>, number]>)('headers on %s', (_case, send, status) => {
    let response: HttpsResponse;

    beforeAll(async () => {
      response = await send();
    });

    it('has the expected status', () => {
      expect(response.status).toBe(status);
    });

    it.each(SECURITY_HEADERS)('sends %s', (name, value) => {
      expect(response.headers[name]).toBe(value);
    });

    it('sends no HSTS outside production', () => {
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });
  });

  it('health reports the certificate expiry', async () => {
    const response = await httpsRequest(`${server.url}/health`, { ca: certificates.ca });
    const body = JSON.parse(response.body) as { status: string; tls: { notAfter: string; daysRemaining: number } };
    expect(body.status).toBe('ok');
    expect(body.tls.notAfter).toBe(new Date(response.serverCertificate.valid_to).toISOString());
    expect(body.tls.daysRemaining).toBeGreaterThan(300);
  });

  it('a changed certificate reaches new connections without restart', async () => {
    const renewed = signServerCertificate(certificates, 'renewed', 10);
    copyFileSync(renewed.keyPath, server.config.tls!.keyPath);
    copyFileSync(renewed.certPath, server.config.tls!.certPath);

    let fingerprint = '';
    for (let attempt = 0; attempt < 100 && fingerprint !== renewed.fingerprint; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await httpsRequest(`${server.url}/health`, { ca: certificates.ca });
      fingerprint = response.serverCertificate.fingerprint256;
    }
    expect(fingerprint).toBe(renewed.fingerprint);

    const health = JSON.parse((await httpsRequest(`${server.url}/health`, { ca: certificates.ca })).body) as { tls: { daysRemaining: number } };
    expect(health.tls.daysRemaining).toBeLessThan(10);
    expect(server.logs.find('TLS certificate reloaded')).toHaveLength(1);
    expect(server.logs.find('TLS certificate expires soon').length).toBeGreaterThan(0);
  });
});

