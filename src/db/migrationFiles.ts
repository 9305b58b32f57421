import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationError } from './migrationError.js';

/** One migration folder in Prisma Migrate's layout: `<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of the migration.sql bytes as lowercase hex, the value Prisma stores. */
  checksum: string;
}

/**
 * Reads every migration under `migrationsDir`, sorted by folder name, which is
 * the order Prisma Migrate applies them in. Raises MigrationError when the
 * folder is unreadable, a migration folder lacks migration.sql, or
 * migration_lock.toml names a provider other than postgresql.
 */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(
      `Cannot read the migrations folder ${migrationsDir}: ${errorMessage(error)}. Check that the folder exists.`,
      { cause: error },
    );
  }
  await checkLockFileProvider(migrationsDir);

  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  const files: MigrationFile[] = [];
  for (const name of names) {
    files.push(await readMigrationFile(migrationsDir, name));
  }
  return files;
}

/**
 * Returns whether `recorded` is the checksum of the file, allowing for the
 * file's line endings to have changed between LF and CRLF since it was
 * applied. Git can convert line endings on checkout, and Prisma Migrate
 * accepts both forms for the same reason.
 */
export function matchesChecksum(file: MigrationFile, recorded: string): boolean {
  const expected = recorded.toLowerCase();
  if (file.checksum === expected) {
    return true;
  }

  const withLf = file.sql.replaceAll('\r\n', '\n');
  const withCrlf = withLf.replaceAll('\n', '\r\n');
  return sha256Hex(withLf) === expected || sha256Hex(withCrlf) === expected;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readMigrationFile(migrationsDir: string, name: string): Promise<MigrationFile> {
  const path = join(migrationsDir, name, 'migration.sql');
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new MigrationError(
      `Migration ${name} has no readable migration.sql (${path}: ${errorMessage(error)}). Restore the file or delete the folder.`,
      { migrationName: name, cause: error },
    );
  }
  return { name, sql: bytes.toString('utf8'), checksum: sha256Hex(bytes) };
}

async function checkLockFileProvider(migrationsDir: string): Promise<void> {
  const path = join(migrationsDir, 'migration_lock.toml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Prisma Migrate also works without the lock file, so only a lock file
    // that names another database is an error.
    if (isFileNotFound(error)) {
      return;
    }
    throw new MigrationError(`Cannot read ${path}: ${errorMessage(error)}.`, { cause: error });
  }

  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(text)?.[1];
  if (provider !== 'postgresql') {
    throw new MigrationError(
      `${path} sets provider ${provider === undefined ? '(missing)' : `"${provider}"`}, but these migrations are applied to PostgreSQL. Expected provider = "postgresql".`,
    );
  }
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// Not instanceof Error: errors from another realm, such as a test sandbox, fail that check.
function isFileNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
