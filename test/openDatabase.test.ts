import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseLogger } from '../src/db/openDatabase.js';
import { DataDirLockedError, LOCK_FILE } from '../src/db/acquireDataDirLock.js';
import { databaseKinds, testDatabaseUrl } from './helpers/testDatabase.js';

class RecordingLogger implements DatabaseLogger {
  readonly entries: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];

  info(obj: object, msg: string): void {
    this.entries.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }

  error(obj: object, msg: string): void {
    this.entries.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
  }

  count(msg: string): number {
    return this.entries.filter((entry) => entry.msg === msg).length;
  }
}

describe('openDatabase with PGlite', () => {
  let parentDir: string;

  beforeEach(async () => {
    parentDir = await mkdtemp(join(tmpdir(), 'pganalytics-data-'));
  });

  afterEach(async () => {
    await rm(parentDir, { recursive: true, force: true });
  });

  test('keeps the database folder private', async () => {
    const dataDir = join(parentDir, 'shared');
    await mkdir(join(dataDir, 'pglite'), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'pglite'), 0o755);

    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    await database.close();

    expect((await stat(join(dataDir, 'pglite'))).mode & 0o777).toBe(0o700);
  });

  test('keeps data across reopen', async () => {
    const dataDir = join(parentDir, 'data');
    const firstLogger = new RecordingLogger();
    const first = await openDatabase({ dataDir, logger: firstLogger });
    await first.prisma.collector.create({ data: { hostname: 'collector-1.example' } });
    await first.close();

    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    expect(firstLogger.count('migration applied')).toBeGreaterThan(0);

    const secondLogger = new RecordingLogger();
    const second = await openDatabase({ dataDir, logger: secondLogger });
    try {
      const collectors = await second.prisma.collector.findMany();
      expect(collectors.map((collector) => collector.hostname)).toEqual(['collector-1.example']);
      expect(secondLogger.count('migration applied')).toBe(0);
      expect(second.kind).toBe('pglite');
    } finally {
      await second.close();
    }
  });

  test('opens in-memory database', async () => {
    const logger = new RecordingLogger();
    const database = await openDatabase({ dataDir: ':memory:', logger });
    try {
      const rows = await database.runner.query<{ count: number }>('SELECT count(*)::int AS count FROM users');
      expect(rows).toEqual([{ count: 0 }]);
      expect(logger.entries.at(-1)).toEqual({ level: 'info', obj: { kind: 'pglite', dataDir: ':memory:' }, msg: 'database opened' });
      expect(existsSync(join(process.cwd(), ':memory:'))).toBe(false);
    } finally {
      await database.close();
    }
  });
});

describe('openDatabase with PostgreSQL', () => {
  const postgresOnly = databaseKinds().includes('postgresql') ? test : test.skip;

  test('rejects invalid schema name', async () => {
    // Validation happens before any connection, so no server is needed.
    const open = openDatabase({ databaseUrl: 'postgresql://127.0.0.1:1/unused', dataDir: ':memory:', schema: 'bad-name"' });

    await expect(open).rejects.toThrow(/Invalid PostgreSQL schema name "bad-name\\""/);
  });

  postgresOnly('creates missing schema and stores rows in it', async () => {
    const databaseUrl = testDatabaseUrl();
    const schema = `Open_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const database = await openDatabase({ databaseUrl, dataDir: ':memory:', schema });
      try {
        await database.prisma.collector.create({ data: { hostname: 'collector-2.example' } });
        // An enum column checks that Prisma finds the enum types in this schema too.
        await database.prisma.user.create({ data: { username: 'admin', passwordHash: 'hash', role: 'ADMIN' } });
        const [row] = await database.runner.query<{ schema: string }>('SELECT current_schema() AS schema');
        expect(row?.schema).toBe(schema);
        expect(database.kind).toBe('postgresql');
      } finally {
        await database.close();
      }

      const stored = await admin.query(`SELECT hostname FROM "${schema}".collectors`);
      expect(stored.rows).toEqual([{ hostname: 'collector-2.example' }]);
      const recorded = await admin.query(`SELECT count(*)::int AS count FROM "${schema}"."_prisma_migrations"`);
      expect(recorded.rows[0].count).toBeGreaterThan(0);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});

describe('embedded database folder lock', () => {
  it('rejects a second process and frees the folder on close', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-lock-'));
    const first = await openDatabase({ dataDir });
    try {
      // A live process other than this one owns the lock: the parent of Jest.
      await writeFile(join(dataDir, LOCK_FILE), String(process.ppid));
      await expect(openDatabase({ dataDir })).rejects.toThrow(DataDirLockedError);
      await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by process/);
      await writeFile(join(dataDir, LOCK_FILE), String(process.pid));
    } finally {
      await first.close();
    }
    await expect(readFile(join(dataDir, LOCK_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('takes over a lock left by a process that ended', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pga-lock-'));
    await writeFile(join(dataDir, LOCK_FILE), '999999999');
    const database = await openDatabase({ dataDir });
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    await database.close();
  });
});
