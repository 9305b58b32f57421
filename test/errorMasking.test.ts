import { TestServer, type TestUser } from './helpers/testServer.js';

describe('errors and landing page in production', () => {
  let server: TestServer;
  let viewer: TestUser;

  beforeAll(async () => {
    server = await TestServer.start('pglite', { env: { ENVIRONMENT: 'production', TRUST_PROXY: 'loopback' } });
    viewer = await server.createUser('VIEWER');
  });

  afterAll(async () => {
    await server.close();
  });

  it('turns introspection off', async () => {
    const response = await server.graphql('{ __schema { queryType { name } } }', {}, { token: viewer.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('serves no landing page', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it('reports a syntax error as BAD_USER_INPUT with 400', async () => {
    const response = await server.graphql('{ servers { id ', {}, { token: viewer.token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
  });

  it('masks unexpected errors and logs each once', async () => {
    // Closing the database makes the next query fail inside Prisma.
    const broken = await TestServer.start('pglite', { env: { ENVIRONMENT: 'production', TRUST_PROXY: 'loopback' } });
    const admin = await broken.createUser('ADMIN');
    await broken.database.prisma.$disconnect();
    await broken.database.close();

    const response = await broken.graphql('{ collectors { id } }', {}, { token: admin.token });
    const inResolver = await broken.graphql('mutation { login(username: "a", password: "b") { token } }');
    await broken.app.fastify.close();
    await broken.services.close();

    expect(inResolver.status).toBe(500);
    expect(inResolver.body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });

    expect(response.status).toBeGreaterThanOrEqual(500);
    const error = response.body.errors?.[0];
    expect(error?.message).toBe('Internal server error');
    expect(error?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(response.body)).not.toMatch(/prisma|pglite|stack|at /i);
    const logged = broken.logs.find('unexpected error');
    expect(logged).toHaveLength(2);
    expect(logged[0]?.['reqId']).toEqual(expect.any(String));
    expect(logged[0]?.['err']).toBeDefined();
  });
});

describe('landing page in development', () => {
  it('serves Apollo Sandbox', async () => {
    const server = await TestServer.start('pglite', { env: { ENVIRONMENT: 'development' } });
    try {
      const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/sandbox/i);
    } finally {
      await server.close();
    }
  });
});
