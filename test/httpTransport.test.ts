import { TestServer, type TestUser } from './helpers/testServer.js';

describe('HTTP transport rules', () => {
  let server: TestServer;
  let viewer: TestUser;

  beforeAll(async () => {
    server = await TestServer.start();
    viewer = await server.createUser('VIEWER');
  });

  afterAll(async () => {
    await server.close();
  });

  function get(query: string, headers: Record<string, string> = {}) {
    const url = `${server.url}/graphql?query=${encodeURIComponent(query)}`;
    return fetch(url, { headers: { authorization: `Bearer ${viewer.token}`, ...headers } });
  }

  it('serves a query over GET with a preflight header', async () => {
    const response = await get('{ me { role } }', { 'apollo-require-preflight': 'true' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { role: 'VIEWER' } } });
  });

  it('rejects a GET without a preflight header, as CSRF prevention requires', async () => {
    const response = await get('{ me { role } }');
    expect(response.status).toBe(400);
  });

  it('rejects a mutation over GET', async () => {
    const response = await get('mutation { login(username: "a", password: "b") { token } }', { 'apollo-require-preflight': 'true' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/GET/);
  });

  it('rejects a batch of operations', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.token}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('answers the liveness probe', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
