import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/openDatabase.js';
import { sqlRunnerFromPg, sqlRunnerFromPGlite, type SqlRunner } from '../../src/db/sqlRunner.js';

export type { DatabaseKind } from '../../src/db/openDatabase.js';

/**
 * Returns the databases to run tests on: PGlite always, and PostgreSQL when
 * TEST_DATABASE_URL is set, for use with `describe.each(databaseKinds())`.
 */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgresql'] : ['pglite'];
}

/**
 * Opens a fresh, migrated database that no other test uses: an in-memory
 * PGlite, or a new schema with a random name on TEST_DATABASE_URL, which
 * close() drops with CASCADE.
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') {
    return openDatabase({ dataDir: ':memory:' });
  }

  const databaseUrl = testDatabaseUrl();
  const schema = randomSchemaName();
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl, dataDir: ':memory:', schema });
  } catch (error) {
    await dropSchema(databaseUrl, schema);
    throw error;
  }

  return {
    ...database,
    async close() {
      try {
        await database.close();
      } finally {
        await dropSchema(databaseUrl, schema);
      }
    },
  };
}

/** An empty database without migrations, with one or more sessions on it. */
export interface EmptyTestDatabase {
  kind: DatabaseKind;
  /** The first session. */
  runner: SqlRunner;
  /** Opens another session on the same database. Raises on PGlite, which has only one session. */
  openSession(): Promise<SqlRunner>;
  close(): Promise<void>;
}

/** Creates an empty database for tests of the migrator: in-memory PGlite, or a random schema on TEST_DATABASE_URL. */
export async function createEmptyTestDatabase(kind: DatabaseKind): Promise<EmptyTestDatabase> {
  if (kind === 'pglite') {
    const pglite = await PGlite.create();
    return {
      kind,
      runner: sqlRunnerFromPGlite(pglite),
      openSession: () => Promise.reject(new Error('PGlite has a single session, so a second one cannot be opened.')),
      close: () => pglite.close(),
    };
  }

  const databaseUrl = testDatabaseUrl();
  const schema = randomSchemaName();
  const clients: pg.Client[] = [];
  const openSession = async (): Promise<SqlRunner> => {
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    clients.push(client);
    await client.connect();
    return sqlRunnerFromPg(client);
  };

  await createSchema(databaseUrl, schema);
  const runner = await openSession();
  return {
    kind,
    runner,
    openSession,
    async close() {
      await Promise.all(clients.map((client) => client.end()));
      await dropSchema(databaseUrl, schema);
    },
  };
}

/** Returns TEST_DATABASE_URL, raising when it is unset. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TEST_DATABASE_URL is not set. Set it to a PostgreSQL URL to run the postgresql tests.');
  }
  return url;
}

/** Lowercase, so it needs no quoting in SQL or in search_path. */
function randomSchemaName(): string {
  return `test_${randomBytes(8).toString('hex')}`;
}

async function createSchema(databaseUrl: string, schema: string): Promise<void> {
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  await withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

async function withClient(databaseUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
