import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { RocketReachDelivery } from '../core/delivery.js';
import {
  isRocketReachWebhookError,
  refusalBody,
  type RocketReachWebhookError,
} from '../core/errors.js';
import { NO_CLAIM, type Claim } from '../core/idempotency.js';
import {
  checkBoolean,
  checkChoice,
  resolveOptions,
  type ResolvedOptions,
  type RocketReachWebhookOptions as CoreOptions,
} from '../core/options.js';
import {
  reportRejected,
  runHooks,
  runHooksInBackground,
} from '../core/processing.js';
import { accept, checkHeaders, signatureMismatch } from '../core/receive.js';
import {
  readRequestId,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
} from '../core/signature.js';
import { debug } from '../node/debug.js';
import { matchesAnySecret } from '../node/hmac.js';
import { readBody } from './node-body.js';
import { lingerBeforeClose } from './node-connection.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified RocketReach delivery. Set by the `rocketreachWebhook()`
       * middleware on the routes it is mounted on; absent everywhere else.
       */
      rocketreach?: RocketReachDelivery;
    }
  }
}

/** A request as this middleware leaves it for the hooks and the app. */
export type WebhookRequest = IncomingMessage & {
  rocketreach?: RocketReachDelivery;
};

/** Options of `rocketreachWebhook()`; hooks receive a request of type `Req`. */
export interface RocketReachWebhookOptions<
  Req extends IncomingMessage = WebhookRequest,
> extends CoreOptions<Req> {
  /**
   * Whether the middleware answers the sender itself (200 with
   * `{"received":true}`) once the hooks have succeeded, or calls `next()` and
   * leaves the answer to the app.
   * @default true when a hook is set and no route handler follows the
   * middleware in the same route; false otherwise
   */
  respond?: boolean;
  /**
   * Who answers a refused request. `'next'` hands every refusal to
   * `next(err)`, for the app's error handler. `'answer'` has the middleware
   * answer the refusals of the request itself (the 4xx codes: a bad or
   * missing signature, a body too large, slow or not JSON, a copy in
   * progress) with their status, headers and `{"error":{"code","message"}}`,
   * as the Web handler does; failures on the app's side (5xx) still go to
   * `next(err)`. `onRejected` sees every refusal either way.
   * @default 'next'
   */
  refusals?: 'next' | 'answer';
}

/** The `(req, res, next)` function that Express, routers and Connect call. */
export type RocketReachMiddleware<
  Req extends IncomingMessage = WebhookRequest,
> = (req: Req, res: ServerResponse, next: (error?: unknown) => void) => void;

interface RouteLike {
  stack?: { handle?: unknown }[];
}

/**
 * Creates the middleware that receives RocketReach webhooks on one route:
 * it reads the body with a size limit, verifies `X-RocketReach-Signature`
 * against the raw bytes, validates the payload, sets `req.rocketreach` and
 * calls the hook for the delivery's kind.
 *
 * Requests other than POST pass through untouched. Refusals are handed to
 * `next(err)` as a `RocketReachWebhookError` with `status` and `code`, or,
 * with `refusals: 'answer'`, the 4xx ones are answered here.
 */
export function rocketreachWebhook<
  Req extends IncomingMessage = WebhookRequest,
>(options: RocketReachWebhookOptions<Req>): RocketReachMiddleware<Req> {
  const config = resolveOptions(options, {
    factory: 'rocketreachWebhook',
    usage: 'app.post(path, rocketreachWebhook({ secret }))',
    extraOptions: ['respond', 'refusals'],
  });
  checkBoolean('respond', options.respond);
  const answerRefusals =
    checkChoice('refusals', options.refusals, ['next', 'answer']) === 'answer';

  const middleware: RocketReachMiddleware<Req> = (req, res, next) => {
    if (req.method !== 'POST') {
      next();
      return;
    }

    // Few properties of `req` and `res` are touched, each once: no two
    // requests' objects share a hidden class in Node's HTTP server (nor
    // their responses under Express), so each property read on them is a
    // fresh lookup along the prototype chain on every request.
    const { headers } = req;
    const refuse = (error: unknown): void => {
      const { code, headers: answerHeaders } =
        error as Partial<RocketReachWebhookError>;
      if (debug.enabled) debug('refused: %s', code ?? 'unexpected error');
      if (config.onRejected) {
        const requestId = readRequestId(headers[REQUEST_ID_HEADER]);
        reportRejected(error, requestId, config);
      }
      if (res.headersSent) {
        // the shared refusal is never handed on: the app may change it
        next(error === FORGED ? signatureMismatch() : error);
        return;
      }

      // Set here as well as on the error: Express's default handler applies
      // `err.headers`, while an app's own handler usually does not.
      if (answerHeaders) {
        for (const [name, value] of Object.entries(answerHeaders)) {
          res.setHeader(name, value);
        }
        if (answerHeaders.Connection === 'close' && !req.readableEnded) {
          lingerBeforeClose(req);
        }
      }
      if (answerRefusals && isRequestRefusal(error)) answerRefusal(res, error);
      else next(error);
    };

    // refuse what can be refused from the headers alone
    const contentLength = headers['content-length'];
    let expected: Uint8Array;
    try {
      expected = checkHeaders(
        {
          contentEncoding: headers['content-encoding'],
          contentLength,
          signature: headers[SIGNATURE_HEADER],
        },
        config.limit,
      );
    } catch (error) {
      refuse(error);
      return;
    }

    // verify the exact bytes, before any parsing; a forged body is refused
    // in the turn it ends
    readBody(req, contentLength, config.limit, config.bodyTimeout, {
      onError: refuse,
      onBody(rawBody) {
        if (!matchesAnySecret(config.secrets, rawBody, expected)) {
          // Forged bodies are what a flood is made of. Answered here, each
          // is refused without an error object of its own.
          refuse(answerRefusals ? FORGED : signatureMismatch());
          return;
        }

        // Decided only for a verified delivery: a refusal never needs it.
        const respond = shouldRespond(
          options.respond,
          config.hasHooks,
          req,
          middleware,
        );
        // A hook that answered through `req.res` has sent its headers.
        const finish = (delivery: RocketReachDelivery): void => {
          if (res.headersSent) return;
          if (respond) acknowledge(res, delivery.duplicate);
          else next();
        };

        let handedOver: RocketReachDelivery | Promise<RocketReachDelivery>;
        try {
          handedOver = handOver(
            req,
            res,
            rawBody,
            headers[REQUEST_ID_HEADER],
            config,
            respond,
          );
        } catch (error) {
          refuse(error);
          return;
        }
        if (handedOver instanceof Promise) handedOver.then(finish, refuse);
        else finish(handedOver);
      },
    });
  };
  return middleware;
}

/**
 * Parses, validates and claims a verified body, then runs the hooks.
 *
 * Without a store there is nothing to wait for before the hooks, and hooks
 * that return no promise are done when they return: the delivery then comes
 * back in the same turn, without a promise.
 */
function handOver<Req extends IncomingMessage>(
  req: Req,
  res: ServerResponse,
  rawBody: Buffer,
  requestIdHeader: IncomingMessage['headers'][string],
  config: ResolvedOptions<Req>,
  respond: boolean,
): RocketReachDelivery | Promise<RocketReachDelivery> {
  const accepted = accept(rawBody, requestIdHeader, config, sha256Hex);
  if (accepted instanceof Promise) {
    return accepted.then(({ delivery, claim }) =>
      runFor(req, res, delivery, claim, config, respond),
    );
  }
  return runFor(req, res, accepted.delivery, accepted.claim, config, respond);
}

/** Sets `req.rocketreach` and runs the hooks as `acknowledge` says. */
function runFor<Req extends IncomingMessage>(
  req: Req,
  res: ServerResponse,
  delivery: RocketReachDelivery,
  claim: Claim,
  config: ResolvedOptions<Req>,
  respond: boolean,
): RocketReachDelivery | Promise<RocketReachDelivery> {
  if (debug.enabled) {
    debug(
      'verified %s delivery%s',
      delivery.kind,
      delivery.duplicate ? ' (duplicate)' : '',
    );
  }
  (req as WebhookRequest).rocketreach = delivery;
  if (delivery.duplicate) return delivery;

  if (config.acknowledge === 'before-hooks') {
    runHooksInBackground(delivery, config, req, claim);
    return delivery;
  }

  // When the app's own handler answers, the delivery counts as processed
  // only if that answer is a success.
  const running = runHooks(delivery, config, req, claim, respond);
  if (respond || claim === NO_CLAIM) {
    return running ? running.then(() => delivery) : delivery;
  }
  return Promise.resolve(running).then(() => {
    settleWithResponse(res, claim);
    return delivery;
  });
}

function settleWithResponse(res: ServerResponse, claim: Claim): void {
  const onFinish = () => {
    res.off('close', onClose);
    void claim.settle(res.statusCode < 300);
  };
  const onClose = () => {
    res.off('finish', onFinish);
    void claim.settle(false);
  };
  res.once('finish', onFinish);
  res.once('close', onClose);
}

function sha256Hex(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * The rule behind the `respond` default: with hooks, the middleware answers
 * itself unless a handler follows it in the same route
 * (`app.post(path, middleware, handler)`); without hooks it always leaves the
 * answer to the app.
 */
function shouldRespond(
  respond: boolean | undefined,
  hasHooks: boolean,
  req: IncomingMessage,
  self: unknown,
): boolean {
  if (respond !== undefined) return respond;
  if (!hasHooks) return false;

  const stack = (req as { route?: RouteLike }).route?.stack;
  if (!Array.isArray(stack)) return true;
  const position = stack.findIndex((layer) => layer.handle === self);
  return position === -1 || position === stack.length - 1;
}

// The two answers, with their headers as the flat list `writeHead` takes
// as it is, rather than header by header.
const ACKNOWLEDGED = answer('{"received":true}');
const DUPLICATE = answer('{"received":true,"duplicate":true}');

function answer(body: string): { body: string; headers: string[] } {
  return {
    body,
    headers: [
      'Content-Type',
      'application/json; charset=utf-8',
      'Content-Length',
      String(Buffer.byteLength(body)),
    ],
  };
}

/**
 * The `signature.mismatch` that `refusals: 'answer'` answers forged bodies
 * with. It never leaves the package: `onRejected` is given its code and
 * status, the answer its message.
 */
const FORGED = Object.freeze(signatureMismatch());

/**
 * Whether a refusal is the request's fault (4xx), which `refusals: 'answer'`
 * answers in the middleware; a 5xx error stays with the app's error handler.
 */
function isRequestRefusal(error: unknown): error is RocketReachWebhookError {
  return isRocketReachWebhookError(error) && error.status < 500;
}

// The answer to each refusal code, built the first time it is needed; one
// built for another message of the same code (another limit) is replaced.
const refusalAnswers = new Map<
  string,
  { message: string; body: string; headers: string[] }
>();

function answerRefusal(
  res: ServerResponse,
  error: RocketReachWebhookError,
): void {
  let refusal = refusalAnswers.get(error.code);
  if (refusal?.message !== error.message) {
    refusal = {
      message: error.message,
      ...answer(JSON.stringify(refusalBody(error))),
    };
    refusalAnswers.set(error.code, refusal);
  }
  res.writeHead(error.status, refusal.headers);
  res.end(refusal.body);
}

function acknowledge(res: ServerResponse, duplicate: boolean): void {
  const { body, headers } = duplicate ? DUPLICATE : ACKNOWLEDGED;
  res.writeHead(200, headers);
  res.end(body);
}
