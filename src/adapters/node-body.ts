import type { IncomingMessage } from 'node:http';

import { RocketReachWebhookError } from '../core/errors.js';
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

/** Where the body, or the refusal that ended reading it, is handed. */
export interface BodyCallbacks {
  onBody(body: Buffer): void;
  onError(error: RocketReachWebhookError): void;
}

/**
 * The raw bytes of the request body: read here with the size limit, or,
 * when another parser read the stream first, captured by `captureRawBody` or
 * left as a Buffer by `express.raw()`. A stream that another parser has
 * consumed otherwise is a configuration error, reported as such rather than
 * as a bad signature.
 *
 * Calls back rather than returning a promise: a forged or oversized request
 * is refused in the same turn its body ends. `contentLength` is the
 * request's `Content-Length` header, which the caller has already read.
 */
export function readBody(
  req: IncomingMessage,
  contentLength: string | undefined,
  limit: number,
  timeoutMs: number,
  { onBody, onError }: BodyCallbacks,
): void {
  if (!req.readableDidRead && !req.readableEnded) {
    readStream(req, contentLength, limit, timeoutMs, onBody, onError);
    return;
  }

  // Bytes another parser read are held to this middleware's limit too.
  const kept = captured.get(req) ?? parsedBuffer(req);
  if (!kept) {
    onError(
      new RocketReachWebhookError(
        'body.already_parsed',
        'The request body was read by another body parser before the RocketReach webhook ' +
          'middleware, so its signature cannot be checked. Mount the webhook route before ' +
          "express.json(), or pass captureRawBody as the parser's verify option: " +
          'express.json({ verify: captureRawBody }).',
      ),
    );
  } else if (kept.length > limit) {
    onError(tooLarge(limit));
  } else {
    onBody(kept);
  }
}

/** The Buffer `express.raw()` leaves in `req.body` once it read the stream. */
function parsedBuffer(req: IncomingMessage): Buffer | undefined {
  const { body } = req as { body?: unknown };
  return Buffer.isBuffer(body) ? body : undefined;
}

/**
 * Reads a request stream into one Buffer. When `Content-Length` is known the
 * Buffer is allocated once at that size and each chunk is copied in as it
 * arrives, so the body is never held twice (as chunks and as their
 * concatenation). The caller has already refused a `Content-Length` over the
 * limit; a body without one is counted as it arrives.
 */
function readStream(
  req: IncomingMessage,
  contentLength: string | undefined,
  limit: number,
  timeoutMs: number,
  onBody: (body: Buffer) => void,
  onError: (error: RocketReachWebhookError) => void,
): void {
  // note: a sender that announces the full limit and then stalls holds an
  // allocation of that size until `bodyTimeout`; pages it never writes are
  // not made resident, so the cost is address space, not memory.
  const declared = Number(contentLength ?? Number.NaN);
  const sized =
    Number.isSafeInteger(declared) && declared >= 0 && declared <= limit
      ? Buffer.allocUnsafe(declared)
      : undefined;
  const chunks: Buffer[] = [];
  let received = 0;

  let settled = false;
  const timer = setTimeout(() => finish(bodyTimeout(timeoutMs)), timeoutMs);

  function onData(chunk: Buffer): void {
    const offset = received;
    received += chunk.length;
    if (received > limit) return finish(tooLarge(limit));
    if (!sized) chunks.push(chunk);
    else if (received <= sized.length) chunk.copy(sized, offset);
    else finish(failure('body.length_mismatch'));
  }

  function onEnd(): void {
    if (sized && received !== sized.length)
      return finish(failure('body.length_mismatch'));
    finish(undefined, sized ?? Buffer.concat(chunks, received));
  }

  function onClose(): void {
    // A stream that closes before its end was cut off by the sender. Every
    // stream closes, so the refusal is built only when it is one.
    if (!settled) finish(failure('body.aborted'));
  }

  function onStreamError(error: Error): void {
    const aborted = (error as { code?: string }).code === 'ECONNRESET';
    finish(failure(aborted ? 'body.aborted' : 'body.unreadable', error));
  }

  // After the body's end the listeners stay attached, which every delivery
  // would otherwise pay to undo: no 'data' follows 'end', the 'close' that
  // does is ignored, and a late 'error' still has its listener. A refused
  // body is another matter: what still arrives of it must not be counted,
  // kept or concatenated, so its listeners go.
  function finish(error?: RocketReachWebhookError, body?: Buffer): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (error) {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onStreamError);
      // Stop reading: the rest of a refused body is of no use, and the
      // connection is closed with the answer.
      req.pause();
      // A late 'error' from the same stream must not go unhandled.
      req.on('error', () => undefined);
      onError(error);
    } else {
      onBody(body as Buffer);
    }
  }

  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onClose);
  req.on('error', onStreamError);
}

const FAILURES = {
  'body.aborted': 'The sender closed the connection before the body ended.',
  'body.length_mismatch':
    'The body is shorter or longer than its Content-Length header says.',
  'body.unreadable': 'The request body could not be read.',
} as const;

function failure(
  code: keyof typeof FAILURES,
  cause?: unknown,
): RocketReachWebhookError {
  return new RocketReachWebhookError(code, FAILURES[code], {
    cause,
    // The stream is in an unknown state: do not reuse the connection.
    headers: { Connection: 'close' },
  });
}
