import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MigrationError } from './migrationError.js';
import { errorMessage, matchesChecksum, readMigrationFiles, type MigrationFile } from './migrationFiles.js';
import type { SqlRunner } from './sqlRunner.js';

export { MigrationError } from './migrationError.js';

/**
 * Advisory lock key that Prisma Migrate takes (pg_advisory_lock(72707369) in
 * prisma-engines), so this migrator and `prisma migrate deploy` also exclude
 * each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const LOCK_POLL_INTERVAL_MS = 200;

export interface MigrationLogger {
  info(obj: object, msg: string): void;
}

export interface ApplyMigrationsOptions {
  /** Folder in Prisma Migrate's layout: one subfolder with a migration.sql per migration. */
  migrationsDir: string;
  logger?: MigrationLogger;
  /** Maximum time in ms to wait while another process holds the migration lock. Defaults to 10 000, as in Prisma Migrate. */
  lockTimeoutMs?: number;
}

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the pending migrations of `migrationsDir` in folder-name order and
 * records each one in `_prisma_migrations`, the table Prisma Migrate uses.
 * Returns the names of the migrations applied by this call.
 *
 * Each migration runs in its own transaction, so a migration must not contain
 * statements that PostgreSQL rejects inside a transaction block, such as
 * CREATE INDEX CONCURRENTLY. A migration that fails is rolled back and not
 * recorded. Raises MigrationError, before applying anything, when the history
 * has a failed migration, a migration whose file changed since it was applied,
 * or a migration that the folder lacks.
 *
 * `runner` must keep one database session for all its calls (see SqlRunner).
 */
export async function applyMigrations(
  runner: SqlRunner,
  options: ApplyMigrationsOptions,
): Promise<{ applied: string[] }> {
  const files = await readMigrationFiles(options.migrationsDir);

  await acquireMigrationLock(runner, options);
  let applied: string[];
  try {
    applied = await applyPendingMigrations(runner, files, options);
  } catch (error) {
    await releaseMigrationLockAfterError(runner);
    throw error;
  }
  await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);

  return { applied };
}

async function applyPendingMigrations(
  runner: SqlRunner,
  files: MigrationFile[],
  options: ApplyMigrationsOptions,
): Promise<string[]> {
  await createMigrationsTable(runner);
  const records = await runner.query<MigrationRecord>(
    'SELECT migration_name, checksum, started_at, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  const appliedBefore = checkMigrationHistory(files, records, options.migrationsDir);

  const applied: string[] = [];
  for (const file of files) {
    if (appliedBefore.has(file.name)) {
      continue;
    }
    const startedAt = performance.now();
    await applyMigration(runner, file);
    applied.push(file.name);
    options.logger?.info(
      { migration: file.name, checksum: file.checksum, durationMs: Math.round(performance.now() - startedAt) },
      'migration applied',
    );
  }
  return applied;
}

/** Same columns, types and defaults as the table that Prisma Migrate creates. */
async function createMigrationsTable(runner: SqlRunner): Promise<void> {
  await runner.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
}

/**
 * Returns the names of the migrations that are applied. Rows marked as rolled
 * back are ignored, as Prisma Migrate does, so such a migration runs again.
 */
function checkMigrationHistory(files: MigrationFile[], records: MigrationRecord[], migrationsDir: string): Set<string> {
  const filesByName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();

  for (const record of records) {
    const name = record.migration_name;
    if (record.rolled_back_at !== null) {
      continue;
    }
    if (record.finished_at === null) {
      throw new MigrationError(
        `Migration ${name} started at ${record.started_at.toISOString()} and never finished, so it failed part-way. Repair the database by hand (the logs column of _prisma_migrations may contain the error), then mark the attempt as rolled back with \`prisma migrate resolve --rolled-back ${name}\` or by setting its rolled_back_at, and restart.`,
        { migrationName: name },
      );
    }
    const file = filesByName.get(name);
    if (file === undefined) {
      throw new MigrationError(
        `Migration ${name} is applied in the database but missing from ${migrationsDir}. Run a build that contains it, or connect to the right database.`,
        { migrationName: name },
      );
    }
    if (!matchesChecksum(file, record.checksum)) {
      throw new MigrationError(
        `Migration ${name} was modified after it was applied: the SHA-256 of its migration.sql differs from the checksum in _prisma_migrations. Restore the applied version of the file and put the change in a new migration.`,
        { migrationName: name },
      );
    }
    applied.add(name);
  }
  return applied;
}

async function applyMigration(runner: SqlRunner, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await runner.exec('BEGIN');
  try {
    await runner.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), 0)',
      [id, file.checksum, file.name],
    );
    await runner.exec(file.sql);
    await runner.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await runner.exec('COMMIT');
  } catch (error) {
    // A failed ROLLBACK means the session is gone, which ends the transaction
    // anyway, and the migration error is the one worth reporting.
    await runner.exec('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `Migration ${file.name} failed and was rolled back: ${errorMessage(error)}. Fix its migration.sql and restart.`,
      { migrationName: file.name, cause: error },
    );
  }
}

async function acquireMigrationLock(runner: SqlRunner, options: ApplyMigrationsOptions): Promise<void> {
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let waitLogged = false;

  for (;;) {
    const [row] = await runner.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY,
    ]);
    if (row?.locked === true) {
      return;
    }
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (PostgreSQL advisory lock ${MIGRATION_LOCK_KEY}). Another server or prisma migrate is applying migrations, or a session still has the lock (see pg_locks). Retry after it is released.`,
      );
    }
    if (!waitLogged) {
      options.logger?.info({ lockKey: MIGRATION_LOCK_KEY, timeoutMs }, 'waiting for migration lock');
      waitLogged = true;
    }
    await sleep(LOCK_POLL_INTERVAL_MS);
  }
}

async function releaseMigrationLockAfterError(runner: SqlRunner): Promise<void> {
  try {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } catch {
    // The caller rethrows the first error, which is the one to report. If
    // this unlock fails too, the lock lasts until the session ends, so a
    // caller should close a session that failed (openDatabase does).
  }
}
