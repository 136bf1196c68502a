import type { Test } from 'supertest';

import { referenceSignature } from './reference';
import { REQUEST_ID, SECRET } from './fixtures';

export interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * A delivery as the provider sends it: the exact bytes, signed by the
 * provider's reference code, with a request ID.
 */
export function delivery(
  payload: unknown,
  {
    secret = SECRET,
    requestId = REQUEST_ID,
    raw,
  }: { secret?: string; requestId?: string | null; raw?: string | Buffer } = {},
): Delivery {
  const body = Buffer.from(raw ?? JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-rocketreach-signature': referenceSignature(secret, body),
  };
  if (requestId !== null) headers['rr-request-id'] = requestId;
  return { body, headers };
}

/**
 * Sends the exact bytes with supertest. Without the identity serializer,
 * superagent turns a Buffer with a JSON content type into `{"type":"Buffer"}`.
 */
export function sendRaw(test: Test, { body, headers }: Delivery): Test {
  return test
    .set(headers)
    .serialize((data: unknown) => data as string)
    .send(body);
}
