import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './ConfigError.js';

export type SecretName = 'JWT_SECRET' | 'REGISTRATION_SECRET';

const SECRET_NAMES: SecretName[] = ['JWT_SECRET', 'REGISTRATION_SECRET'];
const MIN_SECRET_BYTES = 32;

/** Values that appear in tutorials and sample .env files, compared in lower case. */
const WELL_KNOWN_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'change_me',
  'changethis',
  'password',
  'default',
  'development',
  'test',
  'jwt-secret',
  'jwt_secret',
  'your-secret-key',
  'your_secret_key',
  'your-256-bit-secret',
  'supersecret',
  'super-secret',
  'mysecret',
  'my-secret',
  'registration-secret',
  'change-me-in-production',
  'changeme-in-production',
]);

export interface ResolvedSecrets {
  values: Record<SecretName, string>;
  /** Files the generated secrets were read from or written to. */
  files: string[];
}

function isWellKnown(value: string): boolean {
  const lowered = value.trim().toLowerCase();
  return WELL_KNOWN_SECRETS.has(lowered) || /^(.)\1*$/.test(lowered) || lowered.includes('changeme');
}

function checkProductionSecret(name: SecretName, value: string | undefined): string {
  if (value === undefined) {
    throw new ConfigError(`${name} is missing: production needs a random secret of at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(`${name} is too short: production needs at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (isWellKnown(value)) {
    throw new ConfigError(`${name} is a well-known default value: set a random secret`);
  }
  return value;
}

async function readSecretFile(path: string): Promise<Partial<Record<SecretName, string>>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) {
      throw new ConfigError(`${path} does not contain a JSON object: delete it to generate new secrets`);
    }
    const stored = parsed as Record<string, unknown>;
    const result: Partial<Record<SecretName, string>> = {};
    for (const name of SECRET_NAMES) {
      const value = stored[name];
      if (typeof value === 'string' && value.length > 0) {
        result[name] = value;
      }
    }
    return result;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {};
    }
    throw error;
  }
}

/**
 * Completes the secrets. Production requires each one to be set and strong.
 * Elsewhere a missing secret is generated once and stored in
 * DATA_DIR/secrets.json with mode 0600, so tokens survive a restart; with
 * DATA_DIR=:memory: it lives only as long as the process.
 */
export async function resolveSecrets(
  provided: Partial<Record<SecretName, string>>,
  options: { environment: string; dataDir: string },
): Promise<ResolvedSecrets> {
  if (options.environment === 'production') {
    const values = {
      JWT_SECRET: checkProductionSecret('JWT_SECRET', provided.JWT_SECRET),
      REGISTRATION_SECRET: checkProductionSecret('REGISTRATION_SECRET', provided.REGISTRATION_SECRET),
    };
    if (values.JWT_SECRET === values.REGISTRATION_SECRET) {
      throw new ConfigError('JWT_SECRET and REGISTRATION_SECRET must differ');
    }
    return { values, files: [] };
  }

  // Keys with undefined values must not hide generated secrets when spread.
  const providedValues = Object.fromEntries(Object.entries(provided).filter(([, value]) => value !== undefined));
  const missing = SECRET_NAMES.filter((name) => providedValues[name] === undefined);
  if (missing.length === 0) {
    return { values: providedValues as Record<SecretName, string>, files: [] };
  }
  if (options.dataDir === ':memory:') {
    const generated = Object.fromEntries(missing.map((name) => [name, randomBytes(32).toString('base64url')]));
    return { values: { ...generated, ...providedValues } as Record<SecretName, string>, files: [] };
  }

  const path = join(options.dataDir, 'secrets.json');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const stored = await readSecretFile(path);
  const needed = missing.filter((name) => stored[name] === undefined);
  if (needed.length > 0) {
    for (const name of needed) {
      stored[name] = randomBytes(32).toString('base64url');
    }
    await writeFile(path, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  // writeFile keeps the mode of an existing file, so tighten it every time.
  await chmod(path, 0o600);
  return { values: { ...stored, ...providedValues } as Record<SecretName, string>, files: [path] };
}
