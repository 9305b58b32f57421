import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../../src/db/migrator.js';
import { createEmptyTestDatabase, type DatabaseKind, type EmptyTestDatabase } from './testDatabase.js';

const projectMigrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/**
 * An empty database with the project's migrations applied up to, but not
 * including, one migration, as an installation has before an upgrade. Tests
 * change data first, then apply that migration and check what it did.
 */
export class MigrationBefore {
  private constructor(
    readonly database: EmptyTestDatabase,
    private readonly migrationsDir: string,
    private readonly migration: string,
  ) {}

  static async prepare(kind: DatabaseKind, migration: string): Promise<MigrationBefore> {
    const database = await createEmptyTestDatabase(kind);
    const migrationsDir = await mkdtemp(join(tmpdir(), 'pganalytics-migrations-'));
    const earlier = (await readdir(projectMigrationsDir)).filter((name) => name < migration);
    for (const name of earlier) {
      await cp(join(projectMigrationsDir, name), join(migrationsDir, name), { recursive: true });
    }
    await applyMigrations(database.runner, { migrationsDir });
    return new MigrationBefore(database, migrationsDir, migration);
  }

  /** Applies the migration and returns the names that applyMigrations reports as applied. */
  async apply(): Promise<string[]> {
    await cp(join(projectMigrationsDir, this.migration), join(this.migrationsDir, this.migration), { recursive: true });
    const { applied } = await applyMigrations(this.database.runner, { migrationsDir: this.migrationsDir });
    return applied;
  }

  async close(): Promise<void> {
    await this.database.close();
    await rm(this.migrationsDir, { recursive: true, force: true });
  }
}
