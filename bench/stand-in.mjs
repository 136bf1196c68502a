// The middleware and the floor's route run on stand-in request and response
// objects, in process: what each costs in JavaScript of its own, without
// sockets, HTTP parsing or Express, which the servers measure with the rest.
import { EventEmitter } from 'node:events';

import { rocketreachWebhook } from 'rocketreach-webhooks';

import { verified } from './servers.mjs';

/** A request that has read its headers and will emit its body when told. */
class StandInRequest extends EventEmitter {
  constructor(body, signature) {
    super();
    this.method = 'POST';
    this.headers = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-rocketreach-signature': signature,
      'rr-request-id': 'bench-request',
    };
    this.readableDidRead = false;
    this.readableEnded = false;
    this.socket = null;
  }
  pause() {}
  resume() {}
}

/** A response that records the status it was given. */
class StandInResponse {
  headersSent = false;
  writableEnded = false;
  statusCode = 200;
  setHeader() {}
  writeHead(status) {
    this.statusCode = status;
    this.headersSent = true;
  }
  end() {
    this.writableEnded = true;
  }
}

/** The floor's route from servers.mjs, on the stand-ins. */
function floorRoute(secret) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verified(secret, body, req.headers['x-rocketreach-signature'])) {
        res.writeHead(401);
        res.end();
        return;
      }
      JSON.parse(body.toString('utf8'));
      res.writeHead(200);
      res.end('{"received":true}');
    });
  };
}

/**
 * Returns a function that sends one delivery through `kind` ('floor' or
 * 'middleware') and checks that it was answered with `status`.
 */
export function standInDelivery(kind, secret, body, signature, status) {
  const handle =
    kind === 'floor'
      ? floorRoute(secret)
      : rocketreachWebhook({
          secret,
          logger: false,
          respond: true,
          refusals: 'answer',
          onSingle() {},
          onBulk() {},
        });
  return () => {
    const req = new StandInRequest(body, signature);
    const res = new StandInResponse();
    handle(req, res, (error) => {
      throw error ?? new Error('next() was called');
    });
    req.emit('data', body);
    req.emit('end');
    req.emit('close');
    if (res.statusCode !== status || !res.writableEnded) {
      throw new Error(`${kind} answered ${res.statusCode}, not ${status}`);
    }
  };
}
