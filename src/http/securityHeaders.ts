import type { FastifyReply, FastifyRequest, onSendAsyncHookHandler } from 'fastify';

/** The API serves JSON only, so its pages may load nothing and be framed by no one. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** One year, in seconds. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** Sources that Apollo Server 5's embedded Sandbox landing page loads, from its getEmbeddedHTML and landingPage/default. */
const SANDBOX_SCRIPTS = 'https://embeddable-sandbox.cdn.apollographql.com';
const SANDBOX_STYLES = 'https://embeddable-sandbox.cdn.apollographql.com https://fonts.googleapis.com';
const SANDBOX_FONTS = 'https://fonts.gstatic.com';
const SANDBOX_ASSETS = 'https://apollo-server-landing-page.cdn.apollographql.com';
const SANDBOX_FRAMES = 'https://sandbox.embed.apollographql.com';

const NONCE = /nonce="?([0-9a-f]{16,128})"?/;

export interface SecurityHeaderOptions {
  /** Sends Strict-Transport-Security, which only makes sense where HTTPS is guaranteed. */
  strictTransportSecurity: boolean;
  /** Gives the development landing page the Content-Security-Policy Apollo Sandbox needs. */
  landingPage: boolean;
}

// NOTE: this policy was checked against the HTML that @apollo/server 5.5
// renders, not in a browser, so a Sandbox release that loads more sources
// may need it widened.
/**
 * Returns the policy for the Sandbox landing page. Apollo puts a fresh nonce
 * on its inline scripts and styles for each render, so the nonce is read
 * from the page itself.
 */
export function landingPagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}' ${SANDBOX_SCRIPTS}`,
    `style-src 'nonce-${nonce}' ${SANDBOX_STYLES}`,
    `font-src ${SANDBOX_FONTS}`,
    `img-src ${SANDBOX_ASSETS}`,
    `manifest-src ${SANDBOX_ASSETS}`,
    `frame-src ${SANDBOX_FRAMES}`,
    // The embedded Sandbox sends operations from this page to /graphql.
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function contentSecurityPolicy(reply: FastifyReply, payload: unknown, options: SecurityHeaderOptions): string {
  if (!options.landingPage || typeof payload !== 'string') {
    return API_CONTENT_SECURITY_POLICY;
  }
  const contentType = String(reply.getHeader('content-type') ?? '');
  const nonce = contentType.startsWith('text/html') ? NONCE.exec(payload)?.[1] : undefined;
  return nonce === undefined ? API_CONTENT_SECURITY_POLICY : landingPagePolicy(nonce);
}

/**
 * Builds an onSend hook that puts the browser security headers on every
 * response: successes, GraphQL errors, 404s, 413s and 429s alike, because
 * Fastify runs onSend for every reply it sends, including those of its
 * error and not-found handlers.
 */
export function securityHeaders(options: SecurityHeaderOptions): onSendAsyncHookHandler<unknown> {
  return async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-xss-protection', '1; mode=block');
    reply.header('content-security-policy', contentSecurityPolicy(reply, payload, options));
    if (options.strictTransportSecurity) {
      reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    }
    return payload;
  };
}
