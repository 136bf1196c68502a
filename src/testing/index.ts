import { randomUUID } from 'node:crypto';

import { REQUEST_ID_HEADER, SIGNATURE_HEADER } from '../core/signature.js';
import { sign } from '../node/hmac.js';

export {
  buildBulk,
  buildNonAsciiProfile,
  buildProfile,
  buildProfileWithUnknownFields,
  buildSparseProfile,
} from './fixtures.js';

export interface SignedDeliveryOptions {
  /** The secret to sign with: the one the receiver is configured with. */
  secret: string;
  /** `RR-Request-ID` to send. A fresh UUID when absent. */
  requestId?: string;
}

/** A delivery ready to send, the way RocketReach sends it. */
export interface SignedDelivery {
  /** The exact bytes that were signed. */
  body: Buffer;
  headers: {
    'content-type': 'application/json';
    'x-rocketreach-signature': string;
    'rr-request-id': string;
  };
}

/**
 * Signs a payload the way RocketReach does and returns the body and headers
 * of the request. A profile or a list of profiles is serialised as compact
 * JSON; a string, Buffer or Uint8Array is sent byte for byte.
 *
 * Works as is with `fetch(url, { method: 'POST', ...delivery })`,
 * `http.request(url, { method: 'POST', headers }).end(body)` and supertest's
 * `.set(headers).send(body)` (raw bytes that are not compact JSON also need
 * supertest's `.serialize((body) => body)`).
 */
export function signedDelivery(
  payload: unknown,
  options: SignedDeliveryOptions,
): SignedDelivery {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof options.secret !== 'string'
  ) {
    throw new TypeError(
      'signedDelivery needs { secret }: the secret the receiver checks against.',
    );
  }
  if (payload === undefined) {
    throw new TypeError(
      'signedDelivery needs a payload: a profile, a list of profiles or raw bytes.',
    );
  }

  const raw = typeof payload === 'string' || payload instanceof Uint8Array;
  const body = Buffer.from(
    raw ? (payload as string | Uint8Array) : JSON.stringify(payload),
  );
  keepBytesThroughJsonSerializers(body, raw);

  return {
    body,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(options.secret, body),
      [REQUEST_ID_HEADER]: options.requestId ?? randomUUID(),
    } as SignedDelivery['headers'],
  };
}

/**
 * supertest (through superagent) runs any non-string body with a JSON
 * content type through `JSON.stringify`, which would turn a Buffer into
 * `{"type":"Buffer",...}` and break the signature. Giving this Buffer a
 * `toJSON` that yields the parsed body makes that serialisation write the
 * same bytes again, which holds whenever the body is compact JSON.
 *
 * note: raw bytes that are not compact JSON (pretty-printed, or not JSON)
 * cannot be reproduced that way; with supertest they need
 * `.serialize((body) => body)`, as the README says.
 */
function keepBytesThroughJsonSerializers(body: Buffer, raw: boolean): void {
  const text = body.toString('utf8');
  if (raw && !isCompactJson(body, text)) return;

  Object.defineProperty(body, 'toJSON', {
    enumerable: false,
    value: () => JSON.parse(text) as unknown,
  });
}

function isCompactJson(body: Buffer, text: string): boolean {
  try {
    return (
      JSON.stringify(JSON.parse(text)) === text &&
      Buffer.from(text).equals(body)
    );
  } catch {
    return false;
  }
}
