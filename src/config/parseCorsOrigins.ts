/**
 * Parses CORS_ORIGINS, a comma-separated list of origins (scheme, host and
 * optional port, no path). Returns the origins in the form browsers send in
 * the Origin header, an empty list when unset, and undefined when an entry
 * is not an origin. "*" is not accepted, because the API is meant for known
 * dashboards only.
 */
export function parseCorsOrigins(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return [];
  }

  const origins: string[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return undefined;
    }
    const hasPath = url.pathname !== '/' || url.search !== '' || url.hash !== '' || entry.endsWith('/');
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || hasPath || url.username !== '' || url.password !== '') {
      return undefined;
    }
    origins.push(url.origin);
  }
  return origins;
}
