// Generates the Prisma client and the GraphQL resolver types into
// src/generated. Runs on `npm install` (postinstall) and `npm run generate`.
//
// `prisma generate` does not use the schema engine, but Prisma 7's CLI tries
// to download one at start unless PRISMA_SCHEMA_ENGINE_BINARY names an
// existing file. Downloads are impossible on air-gapped machines, so this
// script points the variable at an empty placeholder when it is unset.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');

function schemaEngineEnvironment() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
    return {};
  }
  const placeholder = join(root, 'node_modules', '.cache', 'pganalytics', 'schema-engine-placeholder');
  mkdirSync(dirname(placeholder), { recursive: true });
  if (!existsSync(placeholder)) {
    writeFileSync(placeholder, '');
  }
  return { PRISMA_SCHEMA_ENGINE_BINARY: placeholder };
}

function run(command, args, extraEnvironment = {}) {
  const result = spawnSync(join(bin, command), args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', ...extraEnvironment },
  });
  if (result.status !== 0) {
    process.stderr.write(`generate: ${command} ${args.join(' ')} failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}

run('prisma', ['generate'], schemaEngineEnvironment());
run('graphql-codegen', ['--config', 'codegen.yml']);
