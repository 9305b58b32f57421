import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SnapshotWire } from './snapshotWire.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/** One snapshot waiting in the spool. */
export interface SpoolEntry {
  snapshotId: string;
  path: string;
  bytes: number;
}

const ENTRY_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/;

/**
 * A bounded folder of snapshots not yet acknowledged by the API, one file per
 * snapshot named after its UUIDv7 id, so that the name order is the order of
 * collection. Every snapshot passes through the spool before it is pushed, so
 * a crash or restart at any point loses nothing. A snapshot the API rejects
 * as invalid moves to the rejected/ subfolder for inspection.
 */
export class SnapshotSpool {
  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Writes a snapshot to the spool, then drops the oldest entries while the spool is over its size limit. */
  async add(snapshot: SnapshotWire): Promise<SpoolEntry> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `${snapshot.snapshotId}.json`);
    const body = JSON.stringify(snapshot);
    await writeFileAtomic(path, body, 0o600);
    await this.enforceLimit(snapshot.snapshotId);
    return { snapshotId: snapshot.snapshotId, path, bytes: Buffer.byteLength(body) };
  }

  /** Lists the waiting snapshots, oldest first. */
  async list(): Promise<SpoolEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw error;
    }

    const entries: SpoolEntry[] = [];
    for (const name of names.filter((candidate) => ENTRY_NAME.test(candidate)).sort()) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined) {
        entries.push({ snapshotId: name.slice(0, -'.json'.length), path, bytes: info.size });
      }
    }
    return entries;
  }

  async read(entry: SpoolEntry): Promise<SnapshotWire> {
    return JSON.parse(await readFile(entry.path, 'utf8')) as SnapshotWire;
  }

  /** Deletes an entry the API has acknowledged. */
  async remove(entry: SpoolEntry): Promise<void> {
    await unlink(entry.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') {
        throw error;
      }
    });
  }

  /** Moves an entry the API rejected as invalid out of the replay queue. */
  async reject(entry: SpoolEntry): Promise<string> {
    const rejectedDir = join(this.dir, 'rejected');
    await mkdir(rejectedDir, { recursive: true, mode: 0o700 });
    const target = join(rejectedDir, `${entry.snapshotId}.json`);
    await rename(entry.path, target);
    return target;
  }

  private async enforceLimit(keepSnapshotId: string): Promise<void> {
    const entries = await this.list();
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    let dropped = 0;

    for (const entry of entries) {
      if (total <= this.maxBytes || entry.snapshotId === keepSnapshotId) {
        break;
      }
      await this.remove(entry);
      total -= entry.bytes;
      dropped += 1;
    }
    if (dropped > 0) {
      this.logger.warn(
        { event: 'spool_drop', dropped, spoolBytes: total, maxBytes: this.maxBytes },
        'spool full: dropped the oldest unsent snapshots',
      );
    }
  }
}
