import { signWebhook } from './signWebhook.js';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  event: string;
  /** Send time, which becomes the signed timestamp. */
  now: Date;
  timeoutMs: number;
  fetch: typeof fetch;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `request failed: ${detail}`.slice(0, 1000);
}

/**
 * POSTs one signed notification. Redirects are not followed, so a receiver
 * cannot send the request on to another address; a 3xx counts as a failure.
 * Only a 2xx status counts as delivered.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendOutcome> {
  const started = performance.now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'pgAnalytics-webhook/1',
    'x-pganalytics-delivery': request.deliveryId,
    'x-pganalytics-event': request.event,
    ...signWebhook(request.secret, request.body, Math.floor(request.now.getTime() / 1000)),
  };

  try {
    const response = await request.fetch(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      error: ok ? null : `receiver answered HTTP ${response.status}`,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFailure(error, request.timeoutMs), durationMs: Math.round(performance.now() - started) };
  }
}
