import { TestServer } from './helpers/testServer.js';
import { API_CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY } from '../src/http/securityHeaders.js';

describe('security headers over plain HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('pglite', {
      beforeListen: (fastify) => {
        fastify.get('/test/too-many-requests', async (_request, reply) => reply.code(429).send({ error: 'rate limited' }));
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['a GraphQL error', () => server.graphql('{ me { id } }').then((response) => response.headers)],
    ['a 404', () => fetch(`${server.url}/missing`).then((response) => response.headers)],
    ['a 429', () => fetch(`${server.url}/test/too-many-requests`).then((response) => response.headers)],
    ['a 413', () => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":"${'x'.repeat(9 * 1024 * 1024)}"}` }).then((response) => response.headers)],
  ])('are sent on %s', async (_case, send) => {
    const headers = await send();
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-xss-protection')).toBe('1; mode=block');
    expect(headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
  });

  it('sends no CORS headers by default', async () => {
    const response = await fetch(`${server.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://dashboard.example.com', 'access-control-request-method': 'POST' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with CORS_ORIGINS', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('pglite', { env: { CORS_ORIGINS: 'https://dashboard.example.com, http://localhost:5173' } });
  });

  afterAll(async () => {
    await server.close();
  });

  function preflight(origin: string) {
    return fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  }

  it('allows a listed origin', async () => {
    const response = await preflight('https://dashboard.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it('ignores an unlisted origin', async () => {
    const response = await preflight('https://evil.example.net');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a listed origin on POST', async () => {
    const response = await server.graphql('{ me { id } }', {}, { headers: { origin: 'http://localhost:5173' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('landing page and HSTS by environment', () => {
  it('gives the development landing page what Sandbox needs', async () => {
    const server = await TestServer.start('pglite', { env: { ENVIRONMENT: 'development' } });
    try {
      const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      const html = await response.text();
      const nonce = /nonce="([0-9a-f]+)"/.exec(html)?.[1];
      const policy = response.headers.get('content-security-policy') ?? '';

      expect(nonce).toBeDefined();
      expect(policy).toContain(`script-src 'self' 'nonce-${nonce}' https://embeddable-sandbox.cdn.apollographql.com`);
      expect(policy).toContain('frame-src https://sandbox.embed.apollographql.com');
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await server.close();
    }
  });

  it('sends HSTS in production', async () => {
    const server = await TestServer.start('pglite', { env: { ENVIRONMENT: 'production', TRUST_PROXY: 'loopback' } });
    try {
      const response = await fetch(`${server.url}/missing`);
      expect(response.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
      expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
    } finally {
      await server.close();
    }
  });
});

describe('readiness probe', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start();
  });

  afterAll(async () => {
    // The last test closes the database itself.
    await server.app.fastify.close();
    await server.database.close().catch(() => undefined);
  });

  it('is ready once migrations are applied', async () => {
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while a migration is missing', async () => {
    await server.database.runner.exec(`DELETE FROM "_prisma_migrations" WHERE migration_name = '20261204110000_collector_certificates'`);
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not ready', reason: 'migrations pending', pendingMigrations: 1 });
  });

  it('is not ready without a database', async () => {
    await server.database.close();
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not ready', reason: 'database unreachable' });
    expect(server.logs.find('database check failed')).toHaveLength(1);
  });
});
