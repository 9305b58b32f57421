import { parseDuration } from '../config/parseDuration.js';
import { ConfigError } from '../config/ConfigError.js';
import type { OptionSpec } from './collectorOptionTable.js';

/** Converts the text of one option to its type, or throws ConfigError naming `source`. */
export function convertOption(spec: OptionSpec, raw: string | string[], source: string): unknown {
  if (spec.kind === 'list') {
    return convertList(raw, source);
  }
  const text = (Array.isArray(raw) ? raw[raw.length - 1] ?? '' : raw).trim();

  switch (spec.kind) {
    case 'text':
    case 'path':
      if (text === '') {
        throw new ConfigError(`Invalid ${source}: expected a non-empty value`);
      }
      return text;
    case 'url':
      return convertApiUrl(text, source);
    case 'boolean':
      return convertBoolean(text, source);
    case 'seconds':
      return convertNumber(spec, parseDuration(text), text, source, 'a duration such as 30, 30s or 5m');
    case 'integer':
      return convertNumber(spec, /^\d+$/.test(text) ? Number(text) : undefined, text, source, 'a whole number');
  }
}

function convertList(raw: string | string[], source: string): string[] {
  const items = (Array.isArray(raw) ? raw : [raw]).map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) {
    if (!/^postgres(ql)?:\/\//.test(item)) {
      throw new ConfigError(`Invalid ${source}: "${redactUrl(item)}" must be a connection URL starting with postgresql://`);
    }
  }
  return items;
}

function convertApiUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`Invalid ${source}: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Invalid ${source}: "${text}" must start with http:// or https://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`Invalid ${source}: the API URL must not contain credentials`);
  }
  // A bare origin means the API's standard path.
  if (url.pathname === '/' || url.pathname === '') {
    url.pathname = '/graphql';
  }
  return url.toString();
}

function convertBoolean(text: string, source: string): boolean {
  const lower = text.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(lower)) {
    return false;
  }
  throw new ConfigError(`Invalid ${source}: expected true or false, got "${text}"`);
}

function convertNumber(spec: OptionSpec, value: number | undefined, text: string, source: string, expected: string): number {
  if (value === undefined || !Number.isSafeInteger(value)) {
    throw new ConfigError(`Invalid ${source}: expected ${expected}, got "${text}"`);
  }
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    throw new ConfigError(`Invalid ${source}: ${value} is outside ${spec.min ?? 0} to ${spec.max ?? Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}

/** Hides the password of a URL, such as a connection URL, in messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
