import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, MIGRATION_LOCK_KEY, MigrationError } from '../src/db/migrator.js';
import type { SqlRunner } from '../src/db/sqlRunner.js';
import { createEmptyTestDatabase, databaseKinds, type EmptyTestDatabase } from './helpers/testDatabase.js';

const projectMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
const projectMigrations = readdirSync(projectMigrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const firstMigration = projectMigrations[0] ?? '';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

class RecordingLogger {
  readonly entries: Array<{ obj: Record<string, unknown>; msg: string }> = [];

  info(obj: object, msg: string): void {
    this.entries.push({ obj: obj as Record<string, unknown>, msg });
  }

  messages(msg: string): Array<Record<string, unknown>> {
    return this.entries.filter((entry) => entry.msg === msg).map((entry) => entry.obj);
  }
}

async function addMigration(migrationsDir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(migrationsDir, name));
  await writeFile(join(migrationsDir, name, 'migration.sql'), sql);
}

async function migrationRows(runner: SqlRunner): Promise<MigrationRow[]> {
  return runner.query<MigrationRow>(
    'SELECT id, checksum, migration_name, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name',
  );
}

async function tableExists(runner: SqlRunner, table: string): Promise<boolean> {
  const [row] = await runner.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  return row?.exists === true;
}

function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe.each(databaseKinds())('applyMigrations on %s', (kind) => {
  const postgresOnly = kind === 'postgresql' ? test : test.skip;
  let database: EmptyTestDatabase;
  let migrationsDir: string;

  beforeEach(async () => {
    database = await createEmptyTestDatabase(kind);
    migrationsDir = await mkdtemp(join(tmpdir(), 'pganalytics-migrations-'));
    await cp(projectMigrationsDir, migrationsDir, { recursive: true });
  });

  afterEach(async () => {
    await database.close();
    await rm(migrationsDir, { recursive: true, force: true });
  });

  test('applies every migration to empty database', async () => {
    const logger = new RecordingLogger();

    const result = await applyMigrations(database.runner, { migrationsDir, logger });

    expect(result.applied).toEqual(projectMigrations);
    const rows = await migrationRows(database.runner);
    expect(rows.map((row) => row.migration_name)).toEqual(projectMigrations);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(sha256OfFile(join(migrationsDir, row.migration_name, 'migration.sql')));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
    expect(await tableExists(database.runner, 'users')).toBe(true);
    expect(await tableExists(database.runner, 'alerts')).toBe(true);
    const logged = logger.messages('migration applied');
    expect(logged.map((fields) => fields.migration)).toEqual(projectMigrations);
    expect(logged[0]?.checksum).toBe(rows[0]?.checksum);
    expect(typeof logged[0]?.durationMs).toBe('number');
  });

  test('creates migrations table like Prisma', async () => {
    await applyMigrations(database.runner, { migrationsDir });

    const columns = await database.runner.query<{
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'
       ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const [primaryKey] = await database.runner.query<{ name: string }>(
      `SELECT conname::text AS name FROM pg_constraint WHERE conrelid = '"_prisma_migrations"'::regclass AND contype = 'p'`,
    );
    expect(primaryKey?.name).toBe('_prisma_migrations_pkey');
  });

  test('second run applies nothing', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    const logger = new RecordingLogger();

    const second = await applyMigrations(database.runner, { migrationsDir, logger });

    expect(second.applied).toEqual([]);
    expect(await migrationRows(database.runner)).toHaveLength(projectMigrations.length);
    expect(logger.messages('migration applied')).toEqual([]);
  });

  test('applies new migrations in folder-name order', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    // Written in reverse order, so only sorting makes the second one work.
    await addMigration(migrationsDir, '29990102000000_add_column', 'ALTER TABLE later_table ADD COLUMN note TEXT;\n');
    await addMigration(migrationsDir, '29990101000000_create_table', 'CREATE TABLE later_table (id INTEGER);\n');

    const result = await applyMigrations(database.runner, { migrationsDir });

    expect(result.applied).toEqual(['29990101000000_create_table', '29990102000000_add_column']);
    const columns = await database.runner.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'later_table' ORDER BY ordinal_position`,
    );
    expect(columns.map((column) => column.column_name)).toEqual(['id', 'note']);
  });

  test('rejects edited applied migration', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    const path = join(migrationsDir, firstMigration, 'migration.sql');
    await writeFile(path, `${await readFile(path, 'utf8')}\n-- edited after it was applied\n`);

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: firstMigration });
    await expect(run).rejects.toThrow(/was modified after it was applied/);
    await expect(run).rejects.toThrow(firstMigration);
  });

  test('accepts CRLF line endings of applied migration', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    const path = join(migrationsDir, firstMigration, 'migration.sql');
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll('\n', '\r\n'));

    const result = await applyMigrations(database.runner, { migrationsDir });

    expect(result.applied).toEqual([]);
  });

  test('rolls back failing migration', async () => {
    await addMigration(migrationsDir, '29990101000000_broken', 'CREATE TABLE broken_table (id INTEGER);\nSELECT 1 / 0;\n');

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: '29990101000000_broken' });
    await expect(run).rejects.toThrow(/division by zero/);
    expect(await tableExists(database.runner, 'broken_table')).toBe(false);
    const rows = await migrationRows(database.runner);
    expect(rows.map((row) => row.migration_name)).toEqual(projectMigrations);

    await writeFile(join(migrationsDir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE broken_table (id INTEGER);\n');
    const retry = await applyMigrations(database.runner, { migrationsDir });
    expect(retry.applied).toEqual(['29990101000000_broken']);
    expect(await tableExists(database.runner, 'broken_table')).toBe(true);
  });

  test('rejects recorded failed migration', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    const name = '29990101000000_interrupted';
    await addMigration(migrationsDir, name, 'CREATE TABLE interrupted_table (id INTEGER);\n');
    const id = randomUUID();
    await database.runner.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, $3, 'connection lost', now(), 0)`,
      [id, '0'.repeat(64), name],
    );

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: name });
    await expect(run).rejects.toThrow(/never finished/);
    expect(await tableExists(database.runner, 'interrupted_table')).toBe(false);

    await database.runner.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1', [id]);
    const afterResolve = await applyMigrations(database.runner, { migrationsDir });
    expect(afterResolve.applied).toEqual([name]);
  });

  test('rejects migration missing from folder', async () => {
    await applyMigrations(database.runner, { migrationsDir });
    await rm(join(migrationsDir, firstMigration), { recursive: true });

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: firstMigration });
    await expect(run).rejects.toThrow(/missing from/);
  });

  test('rejects folder without migration.sql', async () => {
    await mkdir(join(migrationsDir, '29990101000000_empty'));

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED', migrationName: '29990101000000_empty' });
    expect(await tableExists(database.runner, '_prisma_migrations')).toBe(false);
  });

  test('rejects lock file of another provider', async () => {
    await writeFile(join(migrationsDir, 'migration_lock.toml'), 'provider = "sqlite"\n');

    const run = applyMigrations(database.runner, { migrationsDir });

    await expect(run).rejects.toThrow(/provider "sqlite"/);
    expect(await tableExists(database.runner, '_prisma_migrations')).toBe(false);
  });

  test('rejects missing migrations folder', async () => {
    const run = applyMigrations(database.runner, { migrationsDir: join(migrationsDir, 'absent') });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await expect(run).rejects.toThrow(/Cannot read the migrations folder/);
  });

  postgresOnly('concurrent runs apply each migration once', async () => {
    // The sleep keeps the lock held long enough for the second run to wait.
    await addMigration(migrationsDir, '29990101000000_slow', 'SELECT pg_sleep(0.5);\nCREATE TABLE slow_table (id INTEGER);\n');
    const secondSession = await database.openSession();
    const loggers = [new RecordingLogger(), new RecordingLogger()];

    const results = await Promise.all([
      applyMigrations(database.runner, { migrationsDir, logger: loggers[0] }),
      applyMigrations(secondSession, { migrationsDir, logger: loggers[1] }),
    ]);

    const allMigrations = [...projectMigrations, '29990101000000_slow'];
    expect(results.flatMap((result) => result.applied).sort()).toEqual(allMigrations);
    expect(results.some((result) => result.applied.length === 0)).toBe(true);
    expect((await migrationRows(database.runner)).map((row) => row.migration_name)).toEqual(allMigrations);
    const waits = loggers.flatMap((logger) => logger.messages('waiting for migration lock'));
    expect(waits).toEqual([{ lockKey: MIGRATION_LOCK_KEY, timeoutMs: 10_000 }]);
  });

  postgresOnly('times out while another session holds the lock', async () => {
    const otherSession = await database.openSession();
    await otherSession.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);

    const run = applyMigrations(database.runner, { migrationsDir, lockTimeoutMs: 300 });

    await expect(run).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await expect(run).rejects.toThrow(/Timed out after 300 ms waiting for the migration lock/);
    expect(await tableExists(database.runner, '_prisma_migrations')).toBe(false);
    await otherSession.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  });
});
