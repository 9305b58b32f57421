import { isIPv4, isIPv6 } from 'node:net';

/** Expands an IPv6 address to its eight groups, without zone index. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
}

/**
 * Returns the key under which failed logins from a client address are
 * counted. An IPv6 client usually controls a whole /64, so IPv6 addresses
 * are counted per /64; IPv4 (also when mapped into IPv6) per address.
 */
export function throttleAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) {
    return mapped[1];
  }
  if (isIPv4(address) || !isIPv6(address.split('%')[0]!)) {
    return address.slice(0, 64);
  }
  const prefix = ipv6Groups(address.toLowerCase())
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}
