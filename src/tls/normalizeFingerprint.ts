const HEX_FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Normalizes a SHA-256 certificate fingerprint to the form Node and
 * `openssl x509 -fingerprint -sha256` print: 32 upper-case hex pairs joined
 * by colons. Accepts that form, bare hex, either case, and the
 * "sha256 Fingerprint=" prefix of openssl's output. Returns undefined for
 * anything else.
 */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value
    .trim()
    .replace(/^sha256 fingerprint=/i, '')
    .replaceAll(':', '')
    .toLowerCase();
  if (!HEX_FINGERPRINT.test(hex)) {
    return undefined;
  }
  return (hex.match(/../g) ?? []).join(':').toUpperCase();
}
