import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

function levelFor(status: number, error: Error | null): 'error' | 'warn' | 'info' {
  if (error || status >= 500) {
    return 'error';
  }
  if (status === 401 || status === 403) {
    return 'warn';
  }
  return 'info';
}

/**
 * Fastify's request log lines, with the level chosen by outcome: error for
 * 5xx, warn for rejected credentials (401, 403), info otherwise. The URL is
 * logged without its query string, which may carry GraphQL variables.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, path: request.url.split('?')[0] }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const level = levelFor(status, error);
    const fields = {
      method: request.method,
      path: request.url.split('?')[0],
      statusCode: status,
      durationMs: Math.round(reply.elapsedTime),
      clientAddress: request.ip,
    };
    request.log[level](error ? { ...fields, err: error } : fields, 'request completed');
  }
}
