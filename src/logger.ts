import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Paths that pino replaces with "[Redacted]". The server does not log these
 * values on purpose. The list guards against a future log call that passes a
 * request, variables or a token object by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-registration-secret"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-registration-secret"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'secret',
  '*.secret',
  'variables',
  '*.variables',
];

/** Creates the JSON logger. Tests pass a destination to capture the lines. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'pganalytics-api' },
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
