import { gzipSync } from 'node:zlib';
import { TestServer } from './helpers/testServer.js';
import { BODY_LIMIT_BYTES } from '../src/http/buildApp.js';

describe('gzip request bodies', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('pglite');
  });

  afterAll(async () => {
    await server.close();
  });

  function post(body: Buffer, encoding: string): Promise<Response> {
    return fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body,
    });
  }

  it('gzip body is inflated', async () => {
    const response = await post(gzipSync(JSON.stringify({ query: '{ __typename }' })), 'gzip');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('body inflating past the limit gets 413', async () => {
    const padding = ' '.repeat(BODY_LIMIT_BYTES + 1024);
    const bomb = gzipSync(`{"query":"{ __typename }"${padding}}`);
    expect(bomb.length).toBeLessThan(BODY_LIMIT_BYTES / 100);

    const response = await post(bomb, 'gzip');
    const body = (await response.json()) as { code: string; message: string };

    expect(response.status).toBe(413);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.message).toContain(`${BODY_LIMIT_BYTES} bytes`);
  });

  it('corrupt gzip gets 400', async () => {
    const response = await post(Buffer.from('not gzip at all'), 'gzip');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_GZIP_BODY');
  });

  it('unknown encoding gets 415', async () => {
    const response = await post(Buffer.from('{}'), 'br');
    expect(response.status).toBe(415);
    expect(((await response.json()) as { code: string }).code).toBe('UNSUPPORTED_CONTENT_ENCODING');
  });

  it('plain body still works', async () => {
    const response = await post(Buffer.from(JSON.stringify({ query: '{ __typename }' })), 'identity');
    expect(response.status).toBe(200);
  });
});
