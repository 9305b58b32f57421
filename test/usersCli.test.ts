import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/openDatabase.js';

const PASSWORD = 'a long passphrase here\n';

/** Runs the users CLI on the embedded database in `dataDir`, as an operator would. */
function cli(dataDir: string, args: string[], input = '') {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, ['src/cli/users.ts', ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, ENVIRONMENT: 'development' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stateOf(dataDir: string, username: string): string | undefined {
  const line = cli(dataDir, ['list']).stdout.split('\n').find((candidate) => candidate.startsWith(`${username}\t`));
  return line?.split('\t')[3];
}

describe('users CLI create and list', () => {
  it('creates and lists a user with the password from stdin', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-cli-'));
    const created = cli(dataDir, ['create', '--username', 'alice', '--role', 'viewer'], PASSWORD);
    expect(created).toMatchObject({ status: 0, stdout: 'created user alice with role VIEWER\n' });

    const listed = cli(dataDir, ['list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^alice\tVIEWER\t/);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects a short password and an unknown role', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-cli-'));
    expect(cli(dataDir, ['create', '--username', 'bob', '--role', 'USER'], 'short\n')).toMatchObject({
      status: 1,
      stderr: 'users: Password must be at least 12 characters long\n',
    });
    expect(cli(dataDir, ['create', '--username', 'bob', '--role', 'BOSS'], PASSWORD).status).toBe(2);
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe('users CLI management commands', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pga-users-cli-'));
    expect(cli(dataDir, ['create', '--username', 'root', '--role', 'ADMIN'], PASSWORD).status).toBe(0);
    expect(cli(dataDir, ['create', '--username', 'bob', '--role', 'VIEWER'], PASSWORD).status).toBe(0);
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('changes a role', () => {
    expect(cli(dataDir, ['set-role', '--username', 'bob', '--role', 'user'])).toMatchObject({
      status: 0,
      stdout: 'user bob now has role USER; their sessions ended\n',
    });
    expect(cli(dataDir, ['list']).stdout).toMatch(/^bob\tUSER\t\S+\tactive$/m);
  });

  it('disables and enables a user', () => {
    expect(cli(dataDir, ['disable', '--username', 'bob']).status).toBe(0);
    expect(stateOf(dataDir, 'bob')).toBe('disabled');
    expect(cli(dataDir, ['enable', '--username', 'bob']).status).toBe(0);
    expect(stateOf(dataDir, 'bob')).toBe('active');
  });

  it('resets a password from stdin', () => {
    const reset = cli(dataDir, ['reset-password', '--username', 'bob'], 'another long passphrase\n');
    expect(reset).toMatchObject({ status: 0, stdout: 'reset the password of bob; they must change it at the next login\n' });
    expect(stateOf(dataDir, 'bob')).toBe('must change password');
  });

  it('rejects a weak reset password', () => {
    expect(cli(dataDir, ['reset-password', '--username', 'bob'], 'short\n')).toMatchObject({
      status: 1,
      stderr: 'users: Password must be at least 12 characters long\n',
    });
  });

  it('unlocks a user', () => {
    expect(cli(dataDir, ['unlock', '--username', 'bob'])).toMatchObject({ status: 0, stdout: 'unlocked user bob\n' });
  });

  it('keeps the last enabled admin', () => {
    const result = cli(dataDir, ['disable', '--username', 'root']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/last enabled admin/);
    expect(stateOf(dataDir, 'root')).toBe('active');
  });

  it('names an unknown user', () => {
    expect(cli(dataDir, ['enable', '--username', 'nobody'])).toMatchObject({
      status: 1,
      stderr: 'users: No user is named "nobody"; run "list" to see the users\n',
    });
  });

  it('rejects missing options', () => {
    expect(cli(dataDir, ['disable']).status).toBe(2);
    expect(cli(dataDir, ['set-role', '--username', 'bob']).status).toBe(2);
    expect(cli(dataDir, ['set-role', '--username', 'bob', '--role', 'BOSS']).status).toBe(2);
    expect(cli(dataDir, ['rename']).status).toBe(2);
  });

  it('records changes as the users CLI', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      const events = await database.prisma.auditEvent.findMany({ where: { targetName: 'bob' }, orderBy: { occurredAt: 'asc' } });
      expect(events.map((event) => event.action)).toEqual([
        'USER_CREATED', 'USER_ROLE_CHANGED', 'USER_DISABLED', 'USER_ENABLED', 'PASSWORD_RESET', 'ACCOUNT_UNLOCKED',
      ]);
      expect(new Set(events.map((event) => `${event.actorType}:${event.actorName}`))).toEqual(new Set(['system:users CLI']));
    } finally {
      await database.close();
    }
  });
});
