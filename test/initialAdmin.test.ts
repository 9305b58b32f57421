import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openDatabase } from '../src/db/openDatabase.js';
import { ensureInitialAdmin, INITIAL_ADMIN_FILE } from '../src/users/ensureInitialAdmin.js';
import { verifyPassword } from '../src/auth/passwords.js';
import { LogCapture } from './helpers/captureLogs.js';

async function withDatabase(env: Record<string, string>, check: (context: { dataDir: string; logs: LogCapture; run: () => Promise<void>; database: Awaited<ReturnType<typeof openDatabase>> }) => Promise<void>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'pga-admin-'));
  const config = await loadConfig({ DATA_DIR: dataDir, ...env });
  const logs = new LogCapture();
  const database = await openDatabase({ dataDir: ':memory:' });
  try {
    await check({ dataDir, logs, database, run: () => ensureInitialAdmin(database.prisma, config, createLogger({ logLevel: 'info' }, logs)) });
  } finally {
    await database.close();
  }
}

describe('ensureInitialAdmin', () => {
  it('generates a password into a 0600 file in development', async () => {
    await withDatabase({ ENVIRONMENT: 'development' }, async ({ dataDir, logs, database, run }) => {
      await run();
      const file = join(dataDir, INITIAL_ADMIN_FILE);
      const [username, password] = (await readFile(file, 'utf8')).split('\n');
      const admin = await database.prisma.user.findUniqueOrThrow({ where: { username: username! } });

      expect(admin.role).toBe('ADMIN');
      expect((await verifyPassword(password!, admin.passwordHash)).matches).toBe(true);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(logs.find('initial admin created with a generated password')[0]).toMatchObject({ passwordFile: file });
      expect(logs.text()).not.toContain(password);
    });
  });

  it('uses ADMIN_USERNAME and ADMIN_PASSWORD', async () => {
    await withDatabase({ ADMIN_USERNAME: 'root-admin', ADMIN_PASSWORD: 'correct horse battery' }, async ({ database, run }) => {
      await run();
      const admin = await database.prisma.user.findUniqueOrThrow({ where: { username: 'root-admin' } });
      expect((await verifyPassword('correct horse battery', admin.passwordHash)).matches).toBe(true);
    });
  });

  it('does nothing when a user exists', async () => {
    await withDatabase({ ADMIN_PASSWORD: 'correct horse battery' }, async ({ database, run }) => {
      await database.prisma.user.create({ data: { username: 'someone', passwordHash: 'x', role: 'VIEWER' } });
      await run();
      expect(await database.prisma.user.count()).toBe(1);
    });
  });

  it('reports a weak ADMIN_PASSWORD as a configuration error', async () => {
    await withDatabase({ ADMIN_PASSWORD: 'short' }, async ({ run }) => {
      await expect(run()).rejects.toThrow(ConfigError);
      await expect(run()).rejects.toThrow(/ADMIN_PASSWORD/);
    });
  });
});
