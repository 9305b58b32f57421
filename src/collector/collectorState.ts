import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './writeFileAtomic.js';

/** Contents of state.json: who this collector is and the token it pushes with. */
export interface CollectorState {
  api: string;
  collectorId: string;
  token: string;
  /** Expiry of the token (ISO 8601). */
  expiresAt: string;
  /** When the token was issued (ISO 8601); renewal starts after two thirds of its lifetime. */
  issuedAt: string;
}

export const STATE_FILE_NAME = 'state.json';

/** Creates the state folder, readable only by its owner, when it is missing. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
}

/** Returns the saved state, or undefined before `register` has run. */
export async function readCollectorState(stateDir: string): Promise<CollectorState | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, STATE_FILE_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  const state = JSON.parse(text) as Partial<CollectorState>;
  if (!state.collectorId || !state.token || !state.expiresAt || !state.api) {
    throw new Error(`The state file ${join(stateDir, STATE_FILE_NAME)} is incomplete; run register again`);
  }
  return state as CollectorState;
}

/** Saves the state atomically with mode 0600, because it contains the collector token. */
export async function writeCollectorState(stateDir: string, state: CollectorState): Promise<void> {
  await ensureStateDir(stateDir);
  const path = join(stateDir, STATE_FILE_NAME);
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  // rename keeps the temporary file's mode, but a umask may have narrowed it further; 0600 is the contract.
  await chmod(path, 0o600);
}

/** True once two thirds of the token's lifetime have passed, or it has expired. */
export function tokenNeedsRenewal(state: CollectorState, now: number): boolean {
  const issued = Date.parse(state.issuedAt);
  const expires = Date.parse(state.expiresAt);
  if (Number.isNaN(issued) || Number.isNaN(expires)) {
    return true;
  }
  return now >= issued + ((expires - issued) * 2) / 3;
}
