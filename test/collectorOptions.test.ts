import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCollectorConfig } from '../src/config.js';
import { backoffDelayMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../src/collector/retryDelay.js';
import { uuidv7 } from '../src/collector/uuidv7.js';
import { tokenNeedsRenewal } from '../src/collector/collectorState.js';

describe('loadCollectorConfig', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collector-options-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults apply', async () => {
    const config = await loadCollectorConfig(['run'], {});
    expect(config.interval).toBe(60);
    expect(config.statementsLimit).toBe(100);
    expect(config.statementsQueryText).toBe(false);
    expect(config.spoolMaxMib).toBe(100);
    expect(config.targets).toEqual([]);
  });

  it('flag beats environment beats file', async () => {
    const file = join(dir, 'precedence.json');
    await writeFile(file, JSON.stringify({ interval: 10, statementsLimit: 5, relationsLimit: 7 }));
    const config = await loadCollectorConfig(['run', '--config', file, '--interval', '2m'], { COLLECTOR_STATEMENTS_LIMIT: '6' });
    expect(config.interval).toBe(120);
    expect(config.statementsLimit).toBe(6);
    expect(config.relationsLimit).toBe(7);
  });

  it('several targets from each source', async () => {
    const fromEnv = await loadCollectorConfig(['run'], { COLLECTOR_TARGETS: 'postgresql://a/x, postgres://b/y' });
    const fromFlags = await loadCollectorConfig(['run', '--target', 'postgresql://a/x', '--target', 'postgresql://b/y'], {});
    expect(fromEnv.targets).toEqual(['postgresql://a/x', 'postgres://b/y']);
    expect(fromFlags.targets).toHaveLength(2);
  });

  it('bare API origin gets /graphql', async () => {
    const config = await loadCollectorConfig(['run', '--api', 'https://monitor.example.test'], {});
    expect(config.api).toBe('https://monitor.example.test/graphql');
  });

  it.each([
    [['run', '--interval', '0'], {}, '--interval'],
    [['run', '--statements-limit', 'many'], {}, '--statements-limit'],
    [['run'], { COLLECTOR_TARGETS: 'mysql://x' }, 'COLLECTOR_TARGETS'],
    [['run'], { COLLECTOR_STATEMENTS_QUERY_TEXT: 'maybe' }, 'COLLECTOR_STATEMENTS_QUERY_TEXT'],
    [['run', '--api', 'ftp://x'], {}, '--api'],
    [['launch'], {}, 'Unknown command'],
  ])('invalid %j is named', async (argv, env, named) => {
    await expect(loadCollectorConfig(argv, env)).rejects.toThrow(named);
  });

  it('target password is hidden in errors', async () => {
    await expect(loadCollectorConfig(['run', '--target', 'mysql://u:hunter2@h/db'], {})).rejects.not.toThrow('hunter2');
  });

  it('unknown file key is rejected', async () => {
    const file = join(dir, 'unknown.json');
    await writeFile(file, JSON.stringify({ intervall: 10 }));
    await expect(loadCollectorConfig(['run', '--config', file], {})).rejects.toThrow('intervall');
  });

  it('secret file beats environment', async () => {
    const file = join(dir, 'secret');
    await writeFile(file, 'from-file\n');
    const config = await loadCollectorConfig(['register', '--registration-secret-file', file], { REGISTRATION_SECRET: 'from-env' });
    expect(config.registrationSecret).toBe('from-file');
  });
});

describe('retry delays', () => {
  it('backoff doubles up to the cap', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(1, options, () => 1)).toBe(100);
    expect(backoffDelayMs(3, options, () => 1)).toBe(400);
    expect(backoffDelayMs(10, options, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it('Retry-After seconds and dates parse', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfterMs('7', now)).toBe(7000);
    expect(parseRetryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('uuidv7', () => {
  it('ids sort in creation order', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(Date.UTC(2026, 0, 1)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('version and variant bits are set', () => {
    expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('tokenNeedsRenewal', () => {
  const state = { api: 'x', collectorId: 'c', token: 't', issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-31T00:00:00Z' };

  it('fresh token is kept', () => {
    expect(tokenNeedsRenewal(state, Date.parse('2026-01-10T00:00:00Z'))).toBe(false);
  });

  it('token past two thirds is renewed', () => {
    expect(tokenNeedsRenewal(state, Date.parse('2026-01-25T00:00:00Z'))).toBe(true);
  });
});
