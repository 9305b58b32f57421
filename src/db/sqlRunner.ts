import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * Minimal SQL interface shared by node-postgres and PGlite, used by the
 * migrator and by code that needs raw SQL outside Prisma.
 *
 * applyMigrations needs every call to run in the same database session,
 * because it holds a session-level advisory lock and sends BEGIN and COMMIT
 * as separate calls. A runner made from a pg.Client, a pg.PoolClient or a
 * PGlite instance does that. A runner made from a pg.Pool does not.
 */
export interface SqlRunner {
  /** Runs one statement with $1, $2, ... placeholders and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

/**
 * Wraps a node-postgres client or pool. With a pool, each call may run on a
 * different connection, so do not pass such a runner to applyMigrations.
 */
export function sqlRunnerFromPg(client: pg.ClientBase | pg.Pool): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(sql: string): Promise<void> {
      // Without parameters node-postgres uses the simple query protocol,
      // which accepts several statements in one string.
      await client.query(sql);
    },
  };
}

/** Wraps a PGlite instance, which always has exactly one session. */
export function sqlRunnerFromPGlite(db: PGlite): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}
