import { randomBytes } from 'node:crypto';

const MAX_SEQUENCE = 0xfff;

let lastMillis = -1;
let sequence = 0;

/**
 * Returns a UUIDv7 (RFC 9562): 48 bits of Unix time in milliseconds, then
 * random bits. The 12-bit rand_a field is a counter within one millisecond,
 * so ids made by this process sort in creation order, which the spool uses
 * to replay snapshots oldest first.
 */
export function uuidv7(now: number = Date.now()): string {
  let millis = Math.max(now, lastMillis);
  if (millis === lastMillis) {
    sequence += 1;
    if (sequence > MAX_SEQUENCE) {
      millis += 1;
      sequence = 0;
    }
  } else {
    sequence = randomBytes(2).readUInt16BE() & 0x3ff;
  }
  lastMillis = millis;

  const bytes = randomBytes(16);
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);

  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
