#!/usr/bin/env node
import { ConfigError, loadCollectorConfig } from '../config.js';
import { collectorHelp } from './collectorOptionTable.js';
import { createCollectorLogger } from './collectorLogger.js';
import { registerCommand } from './registerCommand.js';
import { dryRunCommand, onceCommand, runCommand } from './collectCommands.js';

/** Exit codes: 0 success, 1 a failure while running, 2 invalid configuration or usage. */
async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = await loadCollectorConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`pganalytics-collector: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (config.command === 'help') {
    process.stdout.write(`${collectorHelp()}\n`);
    return 0;
  }

  const logger = createCollectorLogger(config.logLevel);
  try {
    return await dispatch(config, logger);
  } catch (error) {
    logger.fatal({ event: 'exit', err: error }, error instanceof Error ? error.message : 'collector failed');
    process.stderr.write(`pganalytics-collector: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  } finally {
    logger.flush();
  }
}

async function dispatch(config: Awaited<ReturnType<typeof loadCollectorConfig>>, logger: ReturnType<typeof createCollectorLogger>): Promise<number> {
  if (config.command === 'register') {
    const summary = await registerCommand(config, logger);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  if (config.command === 'once' && config.dryRun) {
    const snapshots = await dryRunCommand(config, logger);
    process.stdout.write(`${JSON.stringify(snapshots.length === 1 ? snapshots[0] : snapshots, null, 2)}\n`);
    return snapshots.length === config.targets.length ? 0 : 1;
  }
  if (config.command === 'once') {
    const report = await onceCommand(config, logger);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.collected === config.targets.length && report.remaining === 0 ? 0 : 1;
  }

  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'signal', signal }, 'stopping after the push in flight');
    controller.abort();
  };
  // With process.once, a second signal gets Node's default action and ends
  // the process at once. That loses nothing, because a snapshot leaves the
  // spool only after the API has acknowledged its push.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await runCommand(config, logger, controller.signal);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pganalytics-collector: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
