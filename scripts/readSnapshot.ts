// Reads one snapshot from a PostgreSQL server and prints it as the JSON
// input of pushMetrics. A stand-in for the collector process in the README
// walkthrough:
//   npx tsx scripts/readSnapshot.ts <postgresql-url> <collector-id>
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { readSnapshot } from '../src/collector/readSnapshot.js';

async function main(): Promise<void> {
  const [connectionString, collectorId] = process.argv.slice(2);
  if (!connectionString || !collectorId) {
    process.stderr.write('usage: npx tsx scripts/readSnapshot.ts <postgresql-url> <collector-id>\n');
    process.exit(2);
  }
  const url = new URL(connectionString);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const snapshot = await readSnapshot(client, { collectorId, snapshotId: randomUUID(), host: url.hostname, port: Number(url.port || 5432) });
    process.stdout.write(`${JSON.stringify(snapshot)}\n`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`readSnapshot: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
