import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An error that Fastify's default error handler sends as JSON with this status and code. */
class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Counts the bytes that leave the gunzip stream and fails once they pass the
 * limit, so that a small compressed body cannot inflate without bound.
 */
class InflatedSizeLimit extends Transform {
  private inflated = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inflated += chunk.length;
    if (this.inflated > this.limitBytes) {
      callback(
        new BodyError(
          `The request body inflates to more than ${this.limitBytes} bytes, the maximum after gzip decompression`,
          413,
          'PAYLOAD_TOO_LARGE',
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Builds a Fastify preParsing hook that inflates `Content-Encoding: gzip`
 * bodies and rejects a body that inflates past limitBytes with 413.
 * Bodies without Content-Encoding, or with `identity`, pass unchanged; any
 * other encoding is rejected with 415.
 */
export function decompressBody(limitBytes: number) {
  return async function decompressBodyHook(
    request: FastifyRequest,
    _reply: FastifyReply,
    payload: NodeJS.ReadableStream,
  ): Promise<NodeJS.ReadableStream> {
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding === 'identity') {
      return payload;
    }
    if (encoding !== 'gzip') {
      throw new BodyError(
        `Unsupported Content-Encoding "${encoding}": send gzip or an uncompressed body`,
        415,
        'UNSUPPORTED_CONTENT_ENCODING',
      );
    }

    const gunzip = createGunzip();
    const limit = new InflatedSizeLimit(limitBytes);
    // Fastify compares Content-Length with receivedEncodedLength, the bytes
    // read from the socket, rather than with the inflated length.
    const counted = limit as InflatedSizeLimit & { receivedEncodedLength: number };
    counted.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      counted.receivedEncodedLength += chunk.length;
    });
    gunzip.on('error', (error) => {
      limit.destroy(new BodyError(`Invalid gzip request body: ${error.message}`, 400, 'INVALID_GZIP_BODY'));
    });
    payload.pipe(gunzip).pipe(limit);
    return limit;
  };
}
