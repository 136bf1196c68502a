import { decodeDelivery, type RocketReachDelivery } from './delivery.js';
import { dispatchDelivery } from './dispatch.js';
import { RocketReachWebhookError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import {
  decodeSignatureHeader,
  readRequestId,
  type HeaderValue,
} from './signature.js';

// The steps every adapter takes, in order. Adapters supply the transport:
// how headers are read, how the body is buffered and how HMAC is computed.

// Asking the client to close means the rest of a refused body is not read
// and thrown away byte by byte on this connection.
const CLOSE = { Connection: 'close' };

/** The headers a delivery is judged by before its body is read. */
export interface DeliveryHeaders {
  contentEncoding: HeaderValue;
  contentLength: HeaderValue;
  signature: HeaderValue;
}

/**
 * Refuses what can be refused from the headers alone (an unsupported
 * `Content-Encoding`, a `Content-Length` over the limit, a missing or
 * malformed signature) and returns the digest the body must match.
 */
export function checkHeaders(
  headers: DeliveryHeaders,
  limit: number,
): Uint8Array {
  const encoding =
    first(headers.contentEncoding)?.trim().toLowerCase() ?? 'identity';
  if (encoding !== 'identity') {
    throw new RocketReachWebhookError(
      'body.encoding_unsupported',
      'Compressed deliveries are not supported: the signature covers the bytes as sent. ' +
        'Send the body without Content-Encoding.',
      { headers: CLOSE },
    );
  }

  if (Number(first(headers.contentLength)) > limit) throw tooLarge(limit);
  return decodeSignatureHeader(headers.signature);
}

/** The refusal for a body over the limit, found early or while reading. */
export function tooLarge(limit: number): RocketReachWebhookError {
  return new RocketReachWebhookError(
    'body.too_large',
    `The body is larger than the ${limit}-byte limit. Raise the limit option if ` +
      'deliveries this large are expected.',
    { headers: CLOSE },
  );
}

/** The refusal for a body whose signature matches no configured secret. */
export function signatureMismatch(): RocketReachWebhookError {
  return new RocketReachWebhookError(
    'signature.mismatch',
    'The X-RocketReach-Signature header does not match the body under the configured secret.',
  );
}

/**
 * Decodes verified bytes, lets the adapter attach the delivery to its
 * request, then runs the hooks. Resolves to the delivery once they succeed.
 */
export async function deliver<Req>(
  rawBody: Uint8Array,
  requestIdHeader: HeaderValue,
  config: ResolvedOptions<Req>,
  req: Req,
  attach?: (delivery: RocketReachDelivery) => void,
): Promise<RocketReachDelivery> {
  const delivery = decodeDelivery(rawBody, readRequestId(requestIdHeader));
  attach?.(delivery);
  await dispatchDelivery(delivery, config, req);
  return delivery;
}

function first(value: HeaderValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}
