import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers see either the old content or the whole new
 * content: the data goes to a temporary file in the same folder, created
 * with `mode`, is flushed to disk, and is then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}
