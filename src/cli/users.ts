import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/openDatabase.js';
import { createUser } from '../users/createUser.js';
import { ApiError } from '../errors.js';
import type { Role } from '../generated/prisma/enums.js';

const USAGE = `Usage:
  npm run users -- create --username NAME --role ADMIN|USER|VIEWER
      Creates a user. The password is read from standard input (first line),
      so it never appears in the process list or shell history.
  npm run users -- list
      Lists users with their roles.

The database is chosen as for the server: DATABASE_URL, or the embedded
database under DATA_DIR (default ./data). With the embedded database, stop
the server first: only one process may open it.
`;

const ROLES: Role[] = ['ADMIN', 'USER', 'VIEWER'];

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Password (input is shown; pipe it in to hide it): ');
  }
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('no password on standard input');
}

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || (command !== 'create' && command !== 'list')) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }

  const config = await loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (command === 'list') {
      const users = await database.prisma.user.findMany({ orderBy: { username: 'asc' } });
      for (const user of users) {
        process.stdout.write(`${user.username}\t${user.role}\t${user.createdAt.toISOString()}\n`);
      }
      return 0;
    }

    const role = values.role?.toUpperCase() as Role | undefined;
    if (!values.username || !role || !ROLES.includes(role)) {
      process.stderr.write(`users: create needs --username and --role (one of ${ROLES.join(', ')})\n`);
      return 2;
    }
    const user = await createUser(database.prisma, { username: values.username, password: await readPassword(), role });
    process.stdout.write(`created user ${user.username} with role ${user.role}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`users: ${message}\n`);
    process.exit(1);
  },
);
