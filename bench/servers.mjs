// The servers the benchmark compares. All are Express 5 apps on the same
// route, with the same secret, answering a valid delivery 200 and a refused
// one with its status and an empty body.
import { createHmac, timingSafeEqual } from 'node:crypto';

import { Webhooks, createNodeMiddleware } from '@octokit/webhooks';
import express from 'express';
import { payloadSchema, rocketreachWebhook } from 'rocketreach-webhooks';

export const PATH = '/webhooks/rocketreach';
export const LIMIT = 2 * 1024 * 1024;

// Every server answers with the same bytes, so that only the receiving work
// differs between them.
const ACK = '{"received":true}';

function acknowledge(res) {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(ACK);
}

function refuse(res, status) {
  res.status(status).end();
}

function errorHandler(err, _req, res, _next) {
  refuse(res, err.status ?? 500);
}

/** Constant-time check of a base64 signature against the body, by hand. */
export function verified(secret, body, header) {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(header, 'base64');
  const actual = createHmac('sha256', secret).update(body).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const builders = {
  /** The least a route can do: collect, HMAC, compare, parse, answer. */
  floor(secret, limit, { handOn = false, keep = false } = {}) {
    const app = express();
    app.post(PATH, (req, res, next) => {
      if (Number(req.headers['content-length']) > limit) {
        res.set('Connection', 'close');
        refuse(res, 413);
        return;
      }
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!verified(secret, body, req.headers['x-rocketreach-signature'])) {
          if (handOn) next(Object.assign(new Error('forged'), { status: 401 }));
          else refuse(res, 401);
          return;
        }
        const parsed = JSON.parse(body.toString('utf8'));
        if (keep) req.body = parsed;
        acknowledge(res);
      });
    });
    if (handOn) app.use(errorHandler);
    return app;
  },

  /**
   * The floor handing its 401 to `next(err)` and an error handler, as
   * Express apps and this package do by default: the cost of Express's
   * error path on its own.
   */
  'floor+next(err)'(secret, limit) {
    return builders.floor(secret, limit, { handOn: true });
  },

  /**
   * The floor keeping what it parsed on the request, as `express.json()`
   * does in `req.body` and this package in `req.rocketreach`: the cost of
   * one more property on Node's request object, and of holding the value
   * until the request is collected.
   */
  'floor+req.body'(secret, limit) {
    return builders.floor(secret, limit, { keep: true });
  },

  /** What a careful user writes by hand: express.raw() and the same checks. */
  handwritten(secret, limit, schema = false) {
    const app = express();
    app.post(PATH, express.raw({ type: '*/*', limit }), (req, res) => {
      if (!verified(secret, req.body, req.headers['x-rocketreach-signature'])) {
        refuse(res, 401);
        return;
      }
      const payload = JSON.parse(req.body.toString('utf8'));
      if (schema && !payloadSchema.safeParse(payload).success) {
        refuse(res, 400);
        return;
      }
      acknowledge(res);
    });
    app.use(errorHandler);
    return app;
  },

  /** The hand-written route plus this package's zod schema. */
  'handwritten+zod'(secret, limit) {
    return builders.handwritten(secret, limit, true);
  },

  /** GitHub's receiver, fed the same bytes signed with its own scheme. */
  octokit(secret) {
    const webhooks = new Webhooks({ secret });
    webhooks.on('ping', () => undefined);
    const app = express();
    app.use(createNodeMiddleware(webhooks, { path: PATH, log: quietLog }));
    return app;
  },

  /** This package, handing refusals to `next(err)` (the default). */
  'rocketreach-webhooks'(secret, limit, refusals = 'next') {
    const app = express();
    app.post(
      PATH,
      rocketreachWebhook({
        secret,
        limit,
        refusals,
        logger: false,
        onSingle() {},
        onBulk() {},
      }),
    );
    app.use(errorHandler);
    return app;
  },

  /** This package answering its 4xx refusals itself. */
  'rocketreach-webhooks (refusals: answer)'(secret, limit) {
    return builders['rocketreach-webhooks'](secret, limit, 'answer');
  },
};

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A reference for the memory measurement only: the body read into one
 * Buffer of its `Content-Length` and verified, then answered unparsed. Its
 * rise is what reading a body costs a Node server before any parsing.
 */
function readOnlyApp(secret) {
  const app = express();
  app.post(PATH, (req, res) => {
    const body = Buffer.allocUnsafe(Number(req.headers['content-length']));
    let received = 0;
    req.on('data', (chunk) => {
      chunk.copy(body, received);
      received += chunk.length;
    });
    req.on('end', () => {
      if (!verified(secret, body, req.headers['x-rocketreach-signature'])) {
        refuse(res, 401);
        return;
      }
      acknowledge(res);
    });
  });
  return app;
}

export const SERVER_KINDS = Object.keys(builders);

export function makeApp(kind, secret, limit = LIMIT) {
  if (kind === 'read-only') return readOnlyApp(secret);
  const build = builders[kind];
  if (!build) throw new Error(`unknown server ${kind}`);
  return build(secret, limit);
}
