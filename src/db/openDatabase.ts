import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, type MigrationLogger } from './migrator.js';
import { acquireDataDirLock } from './acquireDataDirLock.js';
import { packagePath } from '../packagePath.js';
import { sqlRunnerFromPg, sqlRunnerFromPGlite, type SqlRunner } from './sqlRunner.js';

export type DatabaseKind = 'postgresql' | 'pglite';

export interface Database {
  prisma: PrismaClient;
  /** Raw SQL access. On PostgreSQL each call may use another pooled connection. */
  runner: SqlRunner;
  kind: DatabaseKind;
  /** Disconnects Prisma and closes the pool or the PGlite instance. */
  close(): Promise<void>;
}

export interface DatabaseLogger extends MigrationLogger {
  error(obj: object, msg: string): void;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL. When unset or empty, an embedded PGlite database is used. */
  databaseUrl?: string;
  /** Folder for the PGlite files (kept in `<dataDir>/pglite`), or ':memory:' for a database that is lost on close. */
  dataDir: string;
  /** PostgreSQL schema for the tables, created when missing. Defaults to public. Ignored by PGlite. */
  schema?: string;
  logger?: DatabaseLogger;
}

const SCHEMA_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL when `databaseUrl` is set and to PGlite otherwise,
 * applies the pending migrations, and returns a Prisma client on that
 * database. Raises MigrationError when the migrations cannot be applied.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationsDir = packagePath('prisma', 'migrations');
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, migrationsDir, options);
  }
  return openPGlite(migrationsDir, options);
}

async function openPostgres(databaseUrl: string, migrationsDir: string, options: OpenDatabaseOptions): Promise<Database> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(
      `Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use 1 to 63 letters, digits or underscores, not starting with a digit.`,
    );
  }

  // The startup option makes every pooled connection, and so raw SQL and
  // the migrator, resolve unqualified names in this schema.
  const pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path="${schema}"` });
  pool.on('error', (error) => {
    options.logger?.error({ err: error }, 'idle PostgreSQL connection failed');
  });

  try {
    await migratePostgres(pool, schema, migrationsDir, options.logger);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  options.logger?.info({ kind: 'postgresql', schema }, 'database opened');
  return {
    prisma,
    runner: sqlRunnerFromPg(pool),
    kind: 'postgresql',
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** Creates the schema if needed and migrates on one pooled connection, which holds the migration lock. */
async function migratePostgres(pool: pg.Pool, schema: string, migrationsDir: string, logger?: MigrationLogger): Promise<void> {
  const client = await pool.connect();
  let failure: unknown;
  try {
    // Checking first avoids CREATE SCHEMA, which needs the CREATE privilege
    // on the database even when the schema exists.
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    }
    await applyMigrations(sqlRunnerFromPg(client), { migrationsDir, logger });
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A connection that failed may still be inside a transaction or hold the
    // migration lock, so it is destroyed instead of returned to the pool.
    client.release(failure !== undefined);
  }
}

/**
 * Creates the folder if needed and makes it accessible to its owner only,
 * also when it already exists. PGlite writes its files with mode 0666 less
 * the umask, so this folder is what keeps the users table and its password
 * hashes from other accounts on the machine. Returns the path.
 */
async function privateFolder(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
  return path;
}

async function openPGlite(migrationsDir: string, options: OpenDatabaseOptions): Promise<Database> {
  const inMemory = options.dataDir === ':memory:';
  let pglite: PGlite;
  let releaseLock = async () => {};
  if (inMemory) {
    pglite = await PGlite.create();
  } else {
    // The mode applies only when the folder is new.
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    releaseLock = await acquireDataDirLock(options.dataDir);
    pglite = await PGlite.create(await privateFolder(join(options.dataDir, 'pglite')));
  }

  try {
    await applyMigrations(sqlRunnerFromPGlite(pglite), { migrationsDir, logger: options.logger });
  } catch (error) {
    await pglite.close();
    await releaseLock();
    throw error;
  }

  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  options.logger?.info({ kind: 'pglite', dataDir: inMemory ? ':memory:' : options.dataDir }, 'database opened');
  return {
    prisma,
    runner: sqlRunnerFromPGlite(pglite),
    kind: 'pglite',
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await releaseLock();
    },
  };
}
