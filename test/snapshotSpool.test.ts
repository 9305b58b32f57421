import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollectorLogger } from '../src/collector/collectorLogger.js';
import { SnapshotSpool } from '../src/collector/snapshotSpool.js';
import { uuidv7 } from '../src/collector/uuidv7.js';
import { LogCapture } from './helpers/captureLogs.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

describe('SnapshotSpool', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('files are private and listed oldest first', async () => {
    const spool = new SnapshotSpool(join(dir, 'spool'), 10_000_000, createCollectorLogger('silent'));
    const ids = [uuidv7(), uuidv7(), uuidv7()];
    for (const id of [...ids].reverse()) {
      await spool.add(snapshotFixture('c', { snapshotId: id }));
    }

    const entries = await spool.list();
    expect(entries.map((entry) => entry.snapshotId)).toEqual(ids);
    expect((await stat(entries[0]!.path)).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, 'spool'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('full spool drops the oldest and logs the count', async () => {
    const logs = new LogCapture();
    const oneSize = Buffer.byteLength(JSON.stringify(snapshotFixture('c', { snapshotId: uuidv7() })));
    const spool = new SnapshotSpool(join(dir, 'spool'), oneSize * 2 + 10, createCollectorLogger('debug', logs));
    const ids = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    for (const id of ids) {
      await spool.add(snapshotFixture('c', { snapshotId: id }));
    }

    expect((await spool.list()).map((entry) => entry.snapshotId)).toEqual(ids.slice(2));
    const drops = logs.find('spool full: dropped the oldest unsent snapshots');
    expect(drops.map((line) => line['dropped'])).toEqual([1, 1]);
  });
});
