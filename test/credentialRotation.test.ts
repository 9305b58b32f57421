import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { hash as hashArgon2 } from '@node-rs/argon2';
import { TestServer } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { TokenSigner, TokenRejectedError } from '../src/auth/tokenSigner.js';
import { CredentialCache } from '../src/auth/CredentialCache.js';
import { loadConfig } from '../src/config.js';

const LIFETIMES = { access: 600, refresh: 3600, collector: 3600 };
const USER_ID = '00000000-0000-4000-8000-000000000001';
const FAMILY_ID = '00000000-0000-4000-8000-000000000002';
const secret = () => randomBytes(32).toString('base64url');

describe('JWT key rotation', () => {
  const oldSecret = secret();
  const newSecret = secret();
  const issued = new TokenSigner({ current: oldSecret, previous: [] }, LIFETIMES).sign('access', USER_ID, { role: 'VIEWER', ver: 0, sid: FAMILY_ID });

  it('verifies tokens of a previous secret', () => {
    const rotated = new TokenSigner({ current: newSecret, previous: [oldSecret] }, LIFETIMES);
    expect(rotated.verify(issued.token, 'access').sub).toBe(USER_ID);
  });

  it('rejects them once the secret is dropped', () => {
    const dropped = new TokenSigner({ current: newSecret, previous: [] }, LIFETIMES);
    expect(() => dropped.verify(issued.token, 'access')).toThrow(TokenRejectedError);
    expect(() => dropped.verify(issued.token, 'access')).toThrow(/no longer accepted/);
  });

  it('signs with the current secret and its kid', () => {
    const rotated = new TokenSigner({ current: newSecret, previous: [oldSecret] }, LIFETIMES);
    const token = rotated.sign('collector', USER_ID, { ver: 0 }).token;
    const newOnly = new TokenSigner({ current: newSecret, previous: [] }, LIFETIMES);
    expect(newOnly.verify(token, 'collector').sub).toBe(USER_ID);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('rejects a short previous secret', async () => {
    await expect(loadConfig({ ENVIRONMENT: 'test', DATA_DIR: ':memory:', JWT_PREVIOUS_SECRETS: 'short' })).rejects.toThrow(/JWT_PREVIOUS_SECRETS entry 1/);
  });

  it('needs an end date for a previous registration secret', async () => {
    await expect(loadConfig({ ENVIRONMENT: 'test', DATA_DIR: ':memory:', REGISTRATION_SECRET_PREVIOUS: secret() })).rejects.toThrow(/REGISTRATION_SECRET_PREVIOUS_UNTIL/);
  });
});

describe('CredentialCache', () => {
  it('reloads after the TTL', async () => {
    let clock = 0;
    let loads = 0;
    const cache = new CredentialCache<number>(5, () => new Date(clock));
    const load = async () => ++loads;
    await cache.get('k', load);
    await cache.get('k', load);
    expect(loads).toBe(1);
    clock = 5001;
    await cache.get('k', load);
    expect(loads).toBe(2);
  });

  it('does not cache with TTL 0', async () => {
    let loads = 0;
    const cache = new CredentialCache<number>(0, () => new Date(0));
    await cache.get('k', async () => ++loads);
    await cache.get('k', async () => ++loads);
    expect(loads).toBe(2);
  });
});

describe.each(databaseKinds())('credential rotation on %s', (kind) => {
  let server: TestServer;
  let clock: Date;
  const previousRegistrationSecret = secret();

  beforeAll(async () => {
    clock = new Date('2026-03-01T12:00:00Z');
    server = await TestServer.start(kind, {
      now: () => clock,
      env: { REGISTRATION_SECRET_PREVIOUS: previousRegistrationSecret, REGISTRATION_SECRET_PREVIOUS_UNTIL: '2026-03-02T00:00:00Z', TOKEN_CHECK_CACHE_TTL: '0' },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  function register(registrationSecret: string, hostname: string) {
    return server.graphql('mutation ($h: String!) { registerCollector(input: { hostname: $h }) { collectorId } }', { h: hostname }, {
      headers: { 'x-registration-secret': registrationSecret },
    });
  }

  it('accepts the previous registration secret until its date', async () => {
    expect((await register(previousRegistrationSecret, 'rotation-a.example.test')).status).toBe(200);
    clock = new Date('2026-03-02T00:00:01Z');
    expect((await register(previousRegistrationSecret, 'rotation-b.example.test')).status).toBe(401);
    expect((await register(server.config.registrationSecret, 'rotation-c.example.test')).status).toBe(200);
  });

  it.each([
    ['argon2id', () => hashArgon2('imported-passphrase-1', { algorithm: 2 })],
    ['bcrypt cost 10', () => bcrypt.hash('imported-passphrase-1', 10)],
  ])('rehashes a %s hash on login', async (_name, makeHash) => {
    const username = `imported-${randomBytes(4).toString('hex')}`;
    await server.database.prisma.user.create({ data: { username, passwordHash: await makeHash(), role: 'VIEWER' } });

    await server.login(username, 'imported-passphrase-1');
    const stored = await server.database.prisma.user.findUniqueOrThrow({ where: { username } });
    expect(stored.passwordHash).toMatch(/^\$2b\$12\$/);
    expect(await server.login(username, 'imported-passphrase-1')).toEqual(expect.any(String));
  });

  it('rejects a wrong password for an argon2id hash', async () => {
    const username = `imported-${randomBytes(4).toString('hex')}`;
    const passwordHash = await hashArgon2('imported-passphrase-1', { algorithm: 2 });
    await server.database.prisma.user.create({ data: { username, passwordHash, role: 'VIEWER' } });
    await expect(server.login(username, 'imported-passphrase-2')).rejects.toThrow(/Invalid username or password/);
  });
});
