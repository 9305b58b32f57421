import { BadUserInputError } from '../errors.js';

export const MAX_URL_LENGTH = 2000;

/**
 * Checks a channel URL and returns it normalized. Only http and https are
 * accepted, and no user name or password, because the URL is shown to every
 * admin and credentials belong in the signing secret.
 */
export function validateWebhookUrl(value: string, field = 'input.url'): string {
  if (value.length > MAX_URL_LENGTH) {
    throw new BadUserInputError(`url must be at most ${MAX_URL_LENGTH} characters`, field);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError('url is not a valid absolute URL, such as https://hooks.example.com/pganalytics', field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadUserInputError(`url must use http or https, not ${url.protocol.replace(':', '')}`, field);
  }
  if (url.username !== '' || url.password !== '') {
    throw new BadUserInputError('url must not contain a user name or password', field);
  }
  if (url.hostname === '') {
    throw new BadUserInputError('url must name a host', field);
  }
  // NOTE: private and loopback addresses are accepted on purpose, since
  // receivers often run inside the same network; only admins create channels.
  return url.toString();
}
