import { isIP } from 'node:net';

/** Trusted proxies in the forms Fastify's trustProxy option (proxy-addr) takes. */
export type TrustProxy = false | number | string[];

/** proxy-addr's names for the loopback, link-local and unique-local ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) {
    return true;
  }
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) {
    return false;
  }
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Parses TRUST_PROXY: unset or "false" trusts no proxy, a whole number
 * trusts that many hops, and a comma-separated list names trusted addresses,
 * CIDR ranges or proxy-addr's named ranges. "true" is rejected, because
 * trusting every hop lets any client choose its own address. Returns
 * undefined for an invalid value.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy | undefined {
  const value = text?.trim() ?? '';
  if (value === '' || value === 'false') {
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 32 ? hops : undefined;
  }

  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0 || !entries.every(isAddressOrRange)) {
    return undefined;
  }
  return entries;
}
