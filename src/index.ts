import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { openDatabase } from './db/openDatabase.js';
import { createServices } from './services.js';
import { ensureInitialAdmin } from './users/ensureInitialAdmin.js';
import { buildApp } from './http/buildApp.js';

/** Starts the API: configuration, database and migrations, first admin, HTTP. */
async function main(): Promise<void> {
  const config = await loadConfig();
  const logger = createLogger(config);
  for (const file of config.generatedSecretFiles) {
    logger.info({ file }, 'development secrets kept in file');
  }

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const services = await createServices(config, database.prisma, logger);
  await ensureInitialAdmin(database.prisma, config, logger);

  const { fastify, apollo } = await buildApp(services, logger);
  const address = await fastify.listen({ port: config.port, host: config.host });
  logger.info({ address: `${address}/graphql`, environment: config.environment }, 'server started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'server stopping');
    await fastify.close();
    await apollo.stop();
    await services.close();
    await database.close();
    logger.info('server stopped');
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  // The logger may not exist yet, so start-up failures go to stderr directly.
  let message = String(error);
  if (error instanceof ConfigError) {
    message = error.message;
  } else if (error instanceof Error) {
    message = error.stack ?? error.message;
  }
  process.stderr.write(`pganalytics: start-up failed: ${message}\n`);
  process.exit(1);
});
