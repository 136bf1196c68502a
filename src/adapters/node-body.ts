import type { IncomingMessage } from 'node:http';

import getRawBody from 'raw-body';

import {
  isRocketReachWebhookError,
  RocketReachWebhookError,
  type RocketReachErrorCode,
} from '../core/errors.js';
import { bodyTimeout, tooLarge } from '../core/receive.js';

const captured = new WeakMap<IncomingMessage, Buffer>();

/**
 * Keeps the raw bytes of a request that a global JSON parser reads first.
 * Pass it as body-parser's `verify` option:
 * `app.use(express.json({ verify: captureRawBody }))`. The webhook middleware
 * then verifies the signature against these bytes.
 */
export function captureRawBody(
  req: IncomingMessage,
  _res: unknown,
  buf: Buffer,
): void {
  captured.set(req, buf);
}

/**
 * The raw bytes of the request body: captured by `captureRawBody`, left as a
 * Buffer by `express.raw()`, or read here with the size limit. A stream that
 * another parser has already consumed is a configuration error, reported as
 * such rather than as a bad signature.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number,
): Promise<Buffer> {
  const kept = captured.get(req);
  if (kept) return kept;

  if (req.readableDidRead || req.readableEnded) {
    const { body } = req as { body?: unknown };
    if (Buffer.isBuffer(body)) return body;
    throw new RocketReachWebhookError(
      'body.already_parsed',
      'The request body was read by another body parser before the RocketReach webhook ' +
        'middleware, so its signature cannot be checked. Mount the webhook route before ' +
        "express.json(), or pass captureRawBody as the parser's verify option: " +
        'express.json({ verify: captureRawBody }).',
    );
  }

  const reading = getRawBody(req, {
    length: req.headers['content-length'],
    limit,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Stop buffering; the connection closes with the 408.
      req.pause();
      reject(bodyTimeout(timeoutMs));
    }, timeoutMs);
  });
  // After a timeout, the read ends in an error nobody waits for.
  reading.catch(() => undefined);

  try {
    return await Promise.race([reading, timeout]);
  } catch (error) {
    throw translateReadError(error, limit);
  } finally {
    clearTimeout(timer);
  }
}

function translateReadError(
  error: unknown,
  limit: number,
): RocketReachWebhookError {
  if (isRocketReachWebhookError(error)) return error;
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return tooLarge(limit);

  const known: Record<string, [RocketReachErrorCode, string]> = {
    'request.aborted': [
      'body.aborted',
      'The sender closed the connection before the body ended.',
    ],
    'request.size.invalid': [
      'body.length_mismatch',
      'The body is shorter or longer than its Content-Length header says.',
    ],
  };
  const [code, message] = known[String(type)] ?? [
    'body.unreadable',
    'The request body could not be read.',
  ];
  return new RocketReachWebhookError(code, message, {
    cause: error,
    // The stream is in an unknown state: do not reuse the connection.
    headers: { Connection: 'close' },
  });
}
