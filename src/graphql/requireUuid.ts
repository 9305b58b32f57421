import { BadUserInputError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns the id in lower case, or throws BadUserInputError naming the argument. */
export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) {
    throw new BadUserInputError(`${field} must be a UUID, got ${JSON.stringify(value.slice(0, 80))}`, field);
  }
  return value.toLowerCase();
}
