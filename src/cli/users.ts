import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/openDatabase.js';
import { createLogger } from '../logger.js';
import { createServices } from '../services.js';
import { ApiError } from '../errors.js';
import type { Role } from '../generated/prisma/enums.js';
import type { UserAdminActor } from '../users/manageUsers.js';
import { formatUserLine, readPasswordFromStdin, ROLES, USER_COMMANDS } from './userCommands.js';

const USAGE = `Usage: npm run users -- COMMAND [options]

  create --username NAME --role ADMIN|USER|VIEWER
      Creates a user with the password on standard input (first line), so
      it never appears in the process list or shell history.
  list
      Lists users: name, role, creation time and state.
  set-role --username NAME --role ADMIN|USER|VIEWER
  disable --username NAME
  enable --username NAME
  reset-password --username NAME
      Sets a temporary password from standard input; the user must change it
      at the next login.
  unlock --username NAME
      Lifts a lockout after failed logins.

Every change is recorded in the audit log as done by the users CLI. Changes
that end a user's sessions reach running API processes within
TOKEN_CHECK_CACHE_TTL. The last enabled admin cannot be disabled or demoted.

The database is chosen as for the server: DATABASE_URL, or the embedded
database under DATA_DIR (default ./data). With the embedded database, stop
the server first: only one process may open it.
`;

const CLI_ORIGIN = { actorType: 'system', actorName: 'users CLI' } as const;

function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean' } },
  });
  return { command: positionals[0], values };
}

/** Returns the exit status: 0 on success, 1 when the change failed, 2 for a usage error. */
async function run(argv: string[]): Promise<number> {
  const { command, values } = parse(argv);
  const known = command === 'list' || (command !== undefined && command in USER_COMMANDS);
  if (values.help || !known) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }

  const role = values.role?.toUpperCase() as Role | undefined;
  if (role !== undefined && !ROLES.includes(role)) {
    process.stderr.write(`users: invalid role "${values.role}": expected one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  if (command !== 'list' && !values.username) {
    process.stderr.write(`users: ${command} needs --username NAME\n`);
    return 2;
  }
  if ((command === 'create' || command === 'set-role') && role === undefined) {
    process.stderr.write(`users: ${command} needs --role (one of ${ROLES.join(', ')})\n`);
    return 2;
  }

  const config = await loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // Standard output carries the command's result only, so log lines go to standard error.
  const logger = createLogger({ logLevel: 'warn' }, pino.destination(2));
  const services = await createServices(config, database.prisma, logger);
  try {
    if (command === 'list') {
      const users = await database.prisma.user.findMany({ orderBy: { username: 'asc' } });
      process.stdout.write(users.map((user) => `${formatUserLine(user, services.now())}\n`).join(''));
      return 0;
    }
    const actor: UserAdminActor = { services, logger, origin: CLI_ORIGIN };
    const options = { username: values.username!, readPassword: readPasswordFromStdin, ...(role ? { role } : {}) };
    process.stdout.write(`${await USER_COMMANDS[command!]!(actor, options)}\n`);
    return 0;
  } finally {
    await services.close();
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
