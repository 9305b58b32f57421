import { randomUUID } from 'node:crypto';
import { MigrationBefore } from './helpers/migrationBefore.js';
import { databaseKinds, type EmptyTestDatabase } from './helpers/testDatabase.js';

const MIGRATION = '20261204170000_optional_metric_families';
const ALL_FAMILIES = [
  'DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS',
];

/**
 * Stored family lists from before the optional families were switchable:
 * they must keep collecting everything they collected then.
 */
describe.each(databaseKinds())('optional family migration on %s', (kind) => {
  let before: MigrationBefore;
  let database: EmptyTestDatabase;

  beforeEach(async () => {
    before = await MigrationBefore.prepare(kind, MIGRATION);
    database = before.database;
  });

  afterEach(async () => {
    await before.close();
  });

  async function addServer(families: string[]): Promise<string> {
    const collectorId = randomUUID();
    const serverId = randomUUID();
    await database.runner.query('INSERT INTO collectors (id, hostname) VALUES ($1::uuid, $2)', [collectorId, `migration-${collectorId}.example.test`]);
    await database.runner.query(
      `INSERT INTO monitored_servers (id, collector_id, identity, host, port, version, max_connections, last_seen_at)
       VALUES ($1::uuid, $2::uuid, $3, 'db.example.test', 5432, '15.4', 100, now())`,
      [serverId, collectorId, serverId],
    );
    await database.runner.query(
      'INSERT INTO server_configs (server_id, families, version, updated_at) VALUES ($1::uuid, $2::text[], 1, now())',
      [serverId, families],
    );
    return serverId;
  }

  async function familiesOf(serverId: string): Promise<string[]> {
    const [row] = await database.runner.query<{ families: string[] }>('SELECT families FROM server_configs WHERE server_id = $1::uuid', [serverId]);
    return row!.families;
  }

  async function applyFamilyMigration(): Promise<void> {
    expect(await before.apply()).toEqual([MIGRATION]);
  }

  it('adds the optional families and ACTIVITY to stored lists', async () => {
    await database.runner.query(`UPDATE collector_defaults SET families = ARRAY['LOCKS', 'DATABASES'] WHERE id = 1`);
    const [before] = await database.runner.query<{ version: number }>('SELECT version FROM collector_defaults WHERE id = 1');
    const narrowed = await addServer(['REPLICATION']);
    const inherits = await addServer([]);

    await applyFamilyMigration();

    const [after] = await database.runner.query<{ families: string[]; version: number }>('SELECT families, version FROM collector_defaults WHERE id = 1');
    expect(after!.families).toEqual(ALL_FAMILIES.filter((family) => family !== 'REPLICATION'));
    expect(after!.version).toBe(before!.version + 1);
    expect(await familiesOf(narrowed)).toEqual(ALL_FAMILIES.filter((family) => family !== 'DATABASES' && family !== 'LOCKS'));
    expect(await familiesOf(inherits)).toEqual([]);
  });

  it('turns the shipped defaults into every family', async () => {
    await applyFamilyMigration();

    const [after] = await database.runner.query<{ families: string[] }>('SELECT families FROM collector_defaults WHERE id = 1');
    expect(after!.families).toEqual(ALL_FAMILIES);
  });
});
