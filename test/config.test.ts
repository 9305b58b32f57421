import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../src/config.js';
import { parseDuration } from '../src/config/parseDuration.js';
import { parseTrustProxy } from '../src/config/parseTrustProxy.js';

const STRONG_JWT = 'k3J9c1mXyq0vR7bT2wLp8sZ4nH6fA5dE1gU0iO9jKq';
const STRONG_REGISTRATION = 'Qw8eR5tY2uI9oP3aS6dF1gH4jK7lZ0xC5vB8nM2qWe';

describe('loadConfig', () => {
  it('applies the documented defaults', async () => {
    const config = await loadConfig({ ENVIRONMENT: 'test', DATA_DIR: ':memory:' });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.jwtExpiresIn).toBe(24 * 3600);
    expect(config.refreshTokenExpiresIn).toBe(30 * 86400);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('accepts production secrets that are long and random', async () => {
    const config = await loadConfig({ ENVIRONMENT: 'production', JWT_SECRET: STRONG_JWT, REGISTRATION_SECRET: STRONG_REGISTRATION, TRUST_PROXY: '1' });
    expect(config.jwtSecret).toBe(STRONG_JWT);
  });

  it.each([
    ['missing', { REGISTRATION_SECRET: STRONG_REGISTRATION }, /JWT_SECRET is missing/],
    ['short', { JWT_SECRET: 'short-secret', REGISTRATION_SECRET: STRONG_REGISTRATION }, /JWT_SECRET is too short/],
    ['well-known', { JWT_SECRET: 'changeme-changeme-changeme-changeme-1', REGISTRATION_SECRET: STRONG_REGISTRATION }, /JWT_SECRET is a well-known default/],
    ['repeated character', { JWT_SECRET: STRONG_JWT, REGISTRATION_SECRET: 'a'.repeat(40) }, /REGISTRATION_SECRET is a well-known default/],
    ['equal secrets', { JWT_SECRET: STRONG_JWT, REGISTRATION_SECRET: STRONG_JWT }, /must differ/],
  ])('rejects a %s secret in production', async (_case, secrets, message) => {
    await expect(loadConfig({ ENVIRONMENT: 'production', ...secrets })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ ENVIRONMENT: 'production', ...secrets })).rejects.toThrow(message);
  });

  it('rejects invalid values naming the variable', async () => {
    await expect(loadConfig({ PORT: 'eighty' })).rejects.toThrow(/PORT/);
    await expect(loadConfig({ JWT_EXPIRES_IN: '1 fortnight', DATA_DIR: ':memory:' })).rejects.toThrow(/JWT_EXPIRES_IN/);
    await expect(loadConfig({ DATABASE_URL: 'mysql://x', DATA_DIR: ':memory:' })).rejects.toThrow(/DATABASE_URL/);
    await expect(loadConfig({ ENVIRONMENT: 'staging' })).rejects.toThrow(/ENVIRONMENT/);
  });

  it('generates development secrets once into a 0600 file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-config-'));
    const first = await loadConfig({ DATA_DIR: dataDir });
    const second = await loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secrets.json');

    expect(first.generatedSecretFiles).toEqual([file]);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.registrationSecret).toBe(first.registrationSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('JWT_SECRET', first.jwtSecret);
  });

  it('prefers a secret from the environment over the file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-config-'));
    await loadConfig({ DATA_DIR: dataDir });
    const config = await loadConfig({ DATA_DIR: dataDir, JWT_SECRET: STRONG_JWT });
    expect(config.jwtSecret).toBe(STRONG_JWT);
  });
});

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['24h', 86400],
    ['30d', 2592000],
  ])('parses %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '0', '-5m', '1.5h', '10w', 'h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['loopback,::1,fd00::/8', ['loopback', '::1', 'fd00::/8']],
  ])('parses %j', (text, expected) => {
    expect(parseTrustProxy(text)).toEqual(expected);
  });

  it.each(['true', '0', '99', 'proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/9', ','])('rejects %j', (text) => {
    expect(parseTrustProxy(text)).toBeUndefined();
  });

  it('names the variable in the configuration error', async () => {
    await expect(loadConfig({ DATA_DIR: ':memory:', TRUST_PROXY: 'true' })).rejects.toThrow(/TRUST_PROXY/);
  });
});
