import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { loadCollectorConfig } from '../src/config.js';
import { createApiClient } from '../src/collector/collectorRuntime.js';
import { ApiUnreachableError } from '../src/collector/apiClient.js';

/** Creates a CA and a certificate signed by it, with the openssl CLI. */
function issueCertificates(dir: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=pganalytics test CA');
  for (const [name, extensions] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    execFileSync('sh', ['-c', `printf '${extensions}' > ${name}.ext`], { cwd: dir });
    run('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
}

describe('collector TLS options', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const clientNames: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collector-tls-'));
    issueCertificates(dir);
    const pem = async (name: string) => readFile(join(dir, name), 'utf8');
    server = createServer(
      { key: await pem('server.key'), cert: await pem('server.crt'), ca: await pem('ca.crt'), requestCert: true, rejectUnauthorized: true },
      (request, response) => {
        clientNames.push((request.socket as TLSSocket).getPeerCertificate().subject.CN as string);
        request.resume();
        request.on('end', () => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: { __typename: 'Query' } }));
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function clientWith(env: Record<string, string>) {
    const config = await loadCollectorConfig(['once', '--api', url, '--request-timeout', '5'], env);
    return createApiClient(config, url);
  }

  it('CA bundle and client certificate connect', async () => {
    const client = await clientWith({
      COLLECTOR_CA_FILE: join(dir, 'ca.crt'),
      MTLS_CLIENT_CERT: join(dir, 'client.crt'),
      MTLS_CLIENT_KEY: join(dir, 'client.key'),
    });
    const response = await client.execute('{ __typename }', {});
    expect(response.status).toBe(200);
    expect(clientNames).toContain('client');
  });

  it('unknown server CA is rejected', async () => {
    const client = await clientWith({ MTLS_CLIENT_CERT: join(dir, 'client.crt'), MTLS_CLIENT_KEY: join(dir, 'client.key') });
    await expect(client.execute('{ __typename }', {})).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it('missing client certificate is rejected', async () => {
    const client = await clientWith({ COLLECTOR_CA_FILE: join(dir, 'ca.crt') });
    await expect(client.execute('{ __typename }', {})).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it('certificate without key is a config error', async () => {
    await expect(clientWith({ MTLS_CLIENT_CERT: join(dir, 'client.crt') })).rejects.toThrow('must be set together');
  });

  it('unreadable CA file is a config error', async () => {
    await expect(clientWith({ COLLECTOR_CA_FILE: join(dir, 'missing.crt') })).rejects.toThrow('ENOENT');
  });
});
