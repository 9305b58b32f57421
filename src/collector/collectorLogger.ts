import { pino, type DestinationStream, type Logger } from 'pino';
import { REDACTED_PATHS } from '../logger.js';

/** Creates the collector's JSON logger, writing to stderr so that stdout carries only command output. */
export function createCollectorLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { service: 'pganalytics-collector' },
      redact: { paths: [...REDACTED_PATHS, 'authorization', '*.authorization', 'registrationSecret', '*.registrationSecret'], censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
