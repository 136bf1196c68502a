import { decodeDelivery, type RocketReachDelivery } from './delivery.js';
import { RocketReachWebhookError } from './errors.js';
import {
  claimDelivery,
  deliveryIdentity,
  NO_CLAIM,
  type Claim,
} from './idempotency.js';
import type { ResolvedOptions } from './options.js';
import { settleErrorReporter } from './processing.js';
import {
  decodeSignatureHeader,
  firstHeaderValue,
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
    firstHeaderValue(headers.contentEncoding)?.trim().toLowerCase() ??
    'identity';
  if (encoding !== 'identity') {
    throw new RocketReachWebhookError(
      'body.encoding_unsupported',
      'Compressed deliveries are not supported: the signature covers the bytes as sent. ' +
        'Send the body without Content-Encoding.',
      { headers: CLOSE },
    );
  }

  if (Number(firstHeaderValue(headers.contentLength)) > limit)
    throw tooLarge(limit);
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

/** The refusal for a body that arrives more slowly than `bodyTimeout`. */
export function bodyTimeout(ms: number): RocketReachWebhookError {
  return new RocketReachWebhookError(
    'body.timeout',
    `The body did not arrive within ${ms} ms.`,
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

/** A verified delivery, and this copy's hold on it. */
export interface Accepted {
  delivery: RocketReachDelivery;
  claim: Claim;
}

/**
 * Decodes verified bytes and, with the `idempotency` option, claims the
 * delivery. A copy already processed comes back with `duplicate` set; one
 * being processed elsewhere is refused with `delivery.in_progress`.
 *
 * Without a store there is nothing to wait for, and the delivery comes back
 * in the same turn, without a promise.
 */
export function accept<Req>(
  rawBody: Uint8Array,
  requestIdHeader: HeaderValue,
  config: ResolvedOptions<Req>,
  sha256Hex: (parts: readonly Uint8Array[]) => string | Promise<string>,
): Accepted | Promise<Accepted> {
  const delivery = decodeDelivery(rawBody, readRequestId(requestIdHeader));
  if (!config.idempotency) return { delivery, claim: NO_CLAIM };
  return claim(delivery, rawBody, config, sha256Hex);
}

async function claim<Req>(
  delivery: RocketReachDelivery,
  rawBody: Uint8Array,
  config: ResolvedOptions<Req>,
  sha256Hex: (parts: readonly Uint8Array[]) => string | Promise<string>,
): Promise<Accepted> {
  const hash = await sha256Hex(deliveryIdentity(delivery.requestId, rawBody));
  const held = await claimDelivery(
    config.idempotency,
    hash,
    settleErrorReporter(config),
  );
  delivery.duplicate = held.duplicate;
  return { delivery, claim: held };
}
