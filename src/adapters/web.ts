import type { RocketReachDelivery } from '../core/delivery.js';
import {
  isRocketReachWebhookError,
  refusalBody,
  RocketReachWebhookError,
} from '../core/errors.js';
import {
  resolveOptions,
  type ResolvedOptions,
  type RocketReachWebhookOptions,
} from '../core/options.js';
import {
  reportRejected,
  runHooks,
  runHooksInBackground,
} from '../core/processing.js';
import {
  accept,
  bodyTimeout,
  checkHeaders,
  signatureMismatch,
  tooLarge,
} from '../core/receive.js';
import {
  readRequestId,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
} from '../core/signature.js';
import {
  importKeys,
  matchesAnyKey,
  sha256Hex,
  type HmacKey,
} from '../web/hmac.js';

/** Options of the Web adapter; hooks receive the Fetch API `Request`. */
export type WebWebhookOptions = RocketReachWebhookOptions<Request>;

/** A Fetch API handler: Next.js route handlers, Hono, Bun, Deno, Workers. */
export type WebhookHandler = (request: Request) => Promise<Response>;

interface WebConfig extends ResolvedOptions<Request> {
  keys: Promise<HmacKey[]>;
}

// Options objects already checked by verifyWebhookRequest, so that a module
// that passes the same object on every request validates it (and warns) once.
const resolved = new WeakMap<object, WebConfig>();

/**
 * Verifies a delivery given as a Fetch API `Request` and runs the hook for
 * its kind. Resolves to the delivery once the hooks have succeeded; rejects
 * with a `RocketReachWebhookError` carrying the same codes as the Express
 * middleware. The request's body is read here and cannot be read again.
 */
export async function verifyWebhookRequest(
  request: Request,
  options: WebWebhookOptions,
): Promise<RocketReachDelivery> {
  let config = resolved.get(options);
  if (!config) {
    config = configure(options, 'verifyWebhookRequest');
    resolved.set(options, config);
  }
  try {
    return await receive(request, config);
  } catch (error) {
    reportRejected(
      error,
      readRequestId(request.headers.get(REQUEST_ID_HEADER)),
      config,
    );
    throw error;
  }
}

/**
 * Creates a Fetch API handler that answers like the Express middleware:
 * `200 {"received":true}` once the hooks succeed, otherwise the error's
 * status with `{"error":{"code", "message"}}` (the message only for 4xx).
 *
 * ```ts
 * // app/webhooks/rocketreach/route.ts (Next.js App Router)
 * export const POST = createWebhookHandler({ secret, onSingle });
 * ```
 */
export function createWebhookHandler(
  options: WebWebhookOptions,
): WebhookHandler {
  const config = configure(options, 'createWebhookHandler');

  return async (request) => {
    try {
      const delivery = await receive(request, config);
      return json(
        200,
        delivery.duplicate
          ? { received: true, duplicate: true }
          : { received: true },
      );
    } catch (error) {
      reportRejected(
        error,
        readRequestId(request.headers.get(REQUEST_ID_HEADER)),
        config,
      );
      return errorResponse(error, config);
    }
  };
}

function configure(options: WebWebhookOptions, factory: string): WebConfig {
  const config = resolveOptions(options, {
    factory,
    usage:
      factory === 'createWebhookHandler'
        ? 'export const POST = createWebhookHandler({ secret })'
        : 'await verifyWebhookRequest(request, { secret })',
  });
  const keys = importKeys(config.secrets);
  // A rejection is reported by the first request that awaits the keys.
  keys.catch(() => undefined);
  return { ...config, keys };
}

async function receive(
  request: Request,
  config: WebConfig,
): Promise<RocketReachDelivery> {
  if (request.method !== 'POST') {
    throw new RocketReachWebhookError(
      'method.not_allowed',
      'RocketReach delivers webhooks with POST.',
      { headers: { Allow: 'POST' } },
    );
  }

  // refuse what can be refused from the headers alone
  const expected = checkHeaders(
    {
      contentEncoding: request.headers.get('content-encoding'),
      contentLength: request.headers.get('content-length'),
      signature: request.headers.get(SIGNATURE_HEADER),
    },
    config.limit,
  );

  // verify the exact bytes, before any parsing
  const rawBody = await readBody(request, config.limit, config.bodyTimeout);
  if (!(await matchesAnyKey(await config.keys, rawBody, expected))) {
    throw signatureMismatch();
  }

  // parse, validate, claim
  const { delivery, claim } = await accept(
    rawBody,
    request.headers.get(REQUEST_ID_HEADER),
    config,
    sha256Hex,
  );
  if (delivery.duplicate) return delivery;

  // hand over
  if (config.acknowledge === 'before-hooks') {
    runHooksInBackground(delivery, config, request, claim);
  } else {
    await runHooks(delivery, config, request, claim);
  }
  return delivery;
}

/**
 * Reads the body once, stopping as soon as it passes the limit or the time
 * allowed for it.
 */
async function readBody(
  request: Request,
  limit: number,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (request.bodyUsed) {
    throw new RocketReachWebhookError(
      'body.already_parsed',
      'The request body was read before verification (request.json(), .text() or a ' +
        'framework body parser), so its signature cannot be checked. Pass the untouched ' +
        'request, or request.clone() taken before the body was read.',
    );
  }
  if (!request.body) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bodyTimeout(timeoutMs)), timeoutMs);
  });

  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      received += value.byteLength;
      if (received > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    if (isRocketReachWebhookError(error)) throw error;
    throw new RocketReachWebhookError(
      'body.aborted',
      'The body could not be read to its end.',
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }

  return concat(chunks, received);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function errorResponse(error: unknown, config: WebConfig): Response {
  if (!isRocketReachWebhookError(error)) {
    // Not a refusal but a fault in this package or the runtime: only its
    // name is logged, since a message could quote the body.
    config.logger.error(
      `rocketreach-webhooks: unexpected ${error instanceof Error ? error.name : 'error'} ` +
        'while receiving a delivery.',
    );
    return json(500, { error: { code: 'internal' } });
  }

  return json(error.status, refusalBody(error), error.headers);
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
