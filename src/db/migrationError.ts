/**
 * Raised when migrations cannot be applied or the migration history in the
 * database does not match the migrations folder. The server must not start
 * with such an error, because its queries assume the full schema.
 */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
  /** Folder name of the migration at fault, when one migration is. */
  readonly migrationName: string | undefined;

  constructor(message: string, options: { migrationName?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MigrationError';
    this.migrationName = options.migrationName;
  }
}
