import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../src/config.js';
import { loadTlsFiles } from '../src/tls/loadTlsFiles.js';
import { normalizeFingerprint } from '../src/tls/normalizeFingerprint.js';
import { TestServer } from './helpers/testServer.js';
import { httpsRequest } from './helpers/httpsRequest.js';
import { createTestCertificates, signServerCertificate, type KeyPair, type TestCertificates } from './helpers/testCertificates.js';

const STRONG_JWT = 'k3J9c1mXyq0vR7bT2wLp8sZ4nH6fA5dE1gU0iO9jKq';
const STRONG_REGISTRATION = 'Qw8eR5tY2uI9oP3aS6dF1gH4jK7lZ0xC5vB8nM2qWe';

let certificates: TestCertificates;

beforeAll(() => {
  certificates = createTestCertificates();
});

describe('transport configuration', () => {
  const base = { ENVIRONMENT: 'test', DATA_DIR: ':memory:' };

  it('requires TLS_CERT_PATH with TLS_ENABLED', async () => {
    await expect(loadConfig({ ...base, TLS_ENABLED: 'true', TLS_KEY_PATH: 'server.key' })).rejects.toThrow(/TLS_CERT_PATH is missing/);
  });

  it('requires TLS for mutual TLS', async () => {
    await expect(loadConfig({ ...base, MTLS_ENABLED: 'true', MTLS_CA_PATH: 'ca.pem' })).rejects.toThrow(/MTLS_ENABLED=true needs TLS_ENABLED=true/);
  });

  it('requires MTLS_CA_PATH with MTLS_ENABLED', async () => {
    const env = { ...base, TLS_ENABLED: 'true', TLS_CERT_PATH: 'a.pem', TLS_KEY_PATH: 'a.key', MTLS_ENABLED: 'true' };
    await expect(loadConfig(env)).rejects.toThrow(/MTLS_CA_PATH is missing/);
  });

  it('rejects a TLS_ENABLED that is not a boolean', async () => {
    await expect(loadConfig({ ...base, TLS_ENABLED: 'maybe' })).rejects.toThrow(/TLS_ENABLED must be true or false/);
  });

  it('rejects plain HTTP in production', async () => {
    const env = { ENVIRONMENT: 'production', JWT_SECRET: STRONG_JWT, REGISTRATION_SECRET: STRONG_REGISTRATION };
    await expect(loadConfig(env)).rejects.toThrow(ConfigError);
    await expect(loadConfig(env)).rejects.toThrow(/plain HTTP is not allowed in production/);
  });

  it('allows plain HTTP in production behind a trusted proxy', async () => {
    const config = await loadConfig({ ENVIRONMENT: 'production', JWT_SECRET: STRONG_JWT, REGISTRATION_SECRET: STRONG_REGISTRATION, TRUST_PROXY: '10.0.0.0/8' });
    expect(config.tls).toBeUndefined();
  });

  it('parses CORS_ORIGINS into origins', async () => {
    const config = await loadConfig({ ...base, CORS_ORIGINS: 'https://dash.example.com, http://localhost:5173' });
    expect(config.corsOrigins).toEqual(['https://dash.example.com', 'http://localhost:5173']);
  });

  it.each(['*', 'dash.example.com', 'https://dash.example.com/app', 'ftp://dash.example.com'])('rejects CORS origin %j', async (origin) => {
    await expect(loadConfig({ ...base, CORS_ORIGINS: origin })).rejects.toThrow(/CORS_ORIGINS must be/);
  });
});

describe('loadTlsFiles', () => {
  it('names the variable and path of a missing file', async () => {
    const missing = join(certificates.dir, 'missing.pem');
    await expect(loadTlsFiles({ certPath: missing, keyPath: certificates.server.keyPath }, undefined)).rejects.toThrow(`TLS_CERT_PATH file ${missing} cannot be read`);
  });

  it('names MTLS_CA_PATH when the CA is missing', async () => {
    const missing = join(certificates.dir, 'missing-ca.pem');
    const tls = { certPath: certificates.server.certPath, keyPath: certificates.server.keyPath };
    await expect(loadTlsFiles(tls, { caPath: missing })).rejects.toThrow(`MTLS_CA_PATH file ${missing}`);
  });

  it('rejects a key of another certificate', async () => {
    const tls = { certPath: certificates.server.certPath, keyPath: certificates.collectorA.keyPath };
    await expect(loadTlsFiles(tls, undefined)).rejects.toThrow(/is not the private key of the certificate/);
  });

  it('rejects a file that is not a certificate', async () => {
    const tls = { certPath: certificates.server.keyPath, keyPath: certificates.server.keyPath };
    await expect(loadTlsFiles(tls, undefined)).rejects.toThrow(/TLS_CERT_PATH file .* does not contain a PEM certificate/);
  });
});

describe('normalizeFingerprint', () => {
  const colons = `${'AB:'.repeat(31)}AB`;

  it.each([
    [colons, colons],
    ['ab'.repeat(32), colons],
    [`sha256 Fingerprint=${colons}`, colons],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeFingerprint(input)).toBe(expected);
  });

  it.each(['', 'AB:CD', 'zz'.repeat(32), 'ab'.repeat(33)])('rejects %j', (input) => {
    expect(normalizeFingerprint(input)).toBeUndefined();
  });
});

describe('certificate reload on SIGHUP', () => {
  let server: TestServer;
  let certPath: string;
  let keyPath: string;
  let renewed: KeyPair;

  beforeAll(async () => {
    const live = join(certificates.dir, 'sighup');
    mkdirSync(live);
    certPath = join(live, 'server.pem');
    keyPath = join(live, 'server.key');
    copyFileSync(certificates.server.certPath, certPath);
    copyFileSync(certificates.server.keyPath, keyPath);
    // A long poll interval leaves SIGHUP as the only trigger.
    server = await TestServer.start('pglite', {
      env: { TLS_ENABLED: 'true', TLS_CERT_PATH: certPath, TLS_KEY_PATH: keyPath },
      appOptions: { certificatePollIntervalMs: 600_000 },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  async function servedFingerprint(): Promise<string> {
    const response = await httpsRequest(`${server.url}/health`, { ca: certificates.ca });
    return response.serverCertificate.fingerprint256;
  }

  async function waitForLog(message: string): Promise<void> {
    for (let attempt = 0; attempt < 50 && server.logs.find(message).length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('keeps the old files when the new key does not match', async () => {
    renewed = signServerCertificate(certificates, 'sighup-renewed', 200);
    copyFileSync(renewed.certPath, certPath);
    process.emit('SIGHUP', 'SIGHUP');
    await waitForLog('TLS certificate reload failed, files in use kept');

    expect(server.logs.find('TLS certificate reload failed, files in use kept')).toHaveLength(1);
    expect(await servedFingerprint()).toBe(certificates.server.fingerprint);
  });

  it('installs the new files once both are in place', async () => {
    copyFileSync(renewed.keyPath, keyPath);
    process.emit('SIGHUP', 'SIGHUP');
    await waitForLog('TLS certificate reloaded');

    expect(server.logs.find('TLS certificate reloaded')[0]?.['trigger']).toBe('SIGHUP');
    expect(await servedFingerprint()).toBe(renewed.fingerprint);
  });
});
