/**
 * Every way a delivery can be refused, with the HTTP status it is answered
 * with. The codes are stable: match on them, not on messages.
 */
export const ERROR_STATUS = {
  /** No `X-RocketReach-Signature` header was sent. */
  'signature.missing': 401,
  /** The signature header is not one base64-encoded HMAC-SHA256 digest. */
  'signature.malformed': 401,
  /** The signature does not match the body under any configured secret. */
  'signature.mismatch': 401,
  /** The body is larger than the `limit` option. */
  'body.too_large': 413,
  /** The body ended before the length its `Content-Length` announced. */
  'body.length_mismatch': 400,
  /** The sender went away before the whole body arrived. */
  'body.aborted': 400,
  /** The body was sent with a `Content-Encoding` this package does not read. */
  'body.encoding_unsupported': 415,
  /** The signed body is not valid UTF-8 JSON. */
  'body.invalid_json': 400,
  /** Another body parser consumed the request before this middleware. */
  'body.already_parsed': 500,
  /** The body stream failed for a reason other than the ones above. */
  'body.unreadable': 400,
  /** The body arrived more slowly than the `bodyTimeout` option allows. */
  'body.timeout': 408,
  /** Another copy of this delivery is being processed; retry later. */
  'delivery.in_progress': 409,
  /** The idempotency store could not be reached; retry later. */
  'idempotency.unavailable': 503,
  /** The hooks took longer than the `hookTimeout` option; retry later. */
  'hook.timeout': 503,
  /** The Web handler was called with a method other than POST. */
  'method.not_allowed': 405,
  /** A hook threw or rejected; the sender should retry. */
  'hook.failed': 500,
} as const;

/** A stable, machine-readable reason for a refused delivery. */
export type RocketReachErrorCode = keyof typeof ERROR_STATUS;

/** Every error code, for iteration in metrics and tests. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as RocketReachErrorCode[];

interface ErrorDetails {
  /** The underlying error, kept for the app's own logs; never sent. */
  cause?: unknown;
  /** Response headers an error handler should set, in the http-errors way. */
  headers?: Record<string, string>;
}

/**
 * An error in the shape http-errors gives, so Express and Connect error
 * handlers treat it like body-parser's: `status`, `statusCode`, `expose`, and
 * a stable `code` (mirrored in `type`, the field body-parser's users match).
 *
 * Messages never contain the secret, the signature or anything from the body.
 */
export class RocketReachWebhookError extends Error {
  readonly code: RocketReachErrorCode;
  readonly status: number;
  readonly statusCode: number;
  /** Whether the message is safe to send to the client (true for 4xx). */
  readonly expose: boolean;
  readonly type: RocketReachErrorCode;
  readonly headers?: Record<string, string>;

  constructor(
    code: RocketReachErrorCode,
    message: string,
    details: ErrorDetails = {},
  ) {
    // Express's and Connect's default error handler print `err.stack` to the
    // client outside production. The frames of this error only point inside
    // the middleware, and the code already says where it came from, so the
    // stack is reduced to its first line (set below), and no frames are
    // captured in the first place: forged requests are refused at the cost
    // of a plain object. A hook's own error keeps its full stack in `cause`.
    const frames = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    Error.stackTraceLimit = frames;
    this.name = 'RocketReachWebhookError';
    this.code = code;
    this.type = code;
    this.status = ERROR_STATUS[code];
    this.statusCode = this.status;
    this.expose = this.status < 500;
    if (details.headers) this.headers = details.headers;

    this.stack = `${this.name} [${code}]: ${message}`;
  }
}

/**
 * Whether a value is an error raised by this package. Checked by shape, not
 * `instanceof`, so it holds when the CommonJS and ES module builds are both
 * loaded in one process.
 */
export function isRocketReachWebhookError(
  value: unknown,
): value is RocketReachWebhookError {
  return (
    value instanceof Error &&
    value.name === 'RocketReachWebhookError' &&
    Object.hasOwn(ERROR_STATUS, (value as { code?: unknown }).code as string)
  );
}

/** The JSON an adapter answers a refusal with, when it answers one itself. */
export interface RefusalBody {
  error: {
    code: RocketReachErrorCode;
    /** The error's message when `expose` allows it: it holds no request data. */
    message: string | undefined;
  };
}

/** The body that answers a refusal; a 5xx error's message is left out. */
export function refusalBody(error: RocketReachWebhookError): RefusalBody {
  return {
    error: {
      code: error.code,
      message: error.expose ? error.message : undefined,
    },
  };
}
