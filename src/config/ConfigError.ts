/** Invalid configuration found at start-up; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
