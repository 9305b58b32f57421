import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a file at the package root. The code runs from src/
 * (tests, tsx) and from dist/ (npm start), both one level below the root,
 * so the root is found by walking up to package.json rather than from the
 * current directory.
 */
export function packagePath(...parts: string[]): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    }
    directory = parent;
  }
  return join(directory, ...parts);
}
