const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration written as whole seconds ("900") or a number with one
 * unit of s, m, h or d ("15m", "24h", "30d"). Returns seconds, or undefined
 * for anything else, including zero and negative values.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) {
    return undefined;
  }

  const amount = Number(match[1]);
  const unit = match[2] === '' || match[2] === undefined ? 's' : match[2];
  const seconds = amount * (UNIT_SECONDS[unit] ?? 1);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    return undefined;
  }
  return seconds;
}
