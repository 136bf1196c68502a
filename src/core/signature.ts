import { RocketReachWebhookError } from './errors.js';

/** The header that carries the base64 HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER = 'x-rocketreach-signature';

/** The header that carries the lookup's request ID; it is not signed. */
export const REQUEST_ID_HEADER = 'rr-request-id';

/** Length in bytes of an HMAC-SHA256 digest. */
export const DIGEST_LENGTH = 32;

// A 32-byte digest is 43 base64 characters and one `=`. The 43rd character
// carries two padding bits that must be zero, which leaves sixteen letters;
// insisting on them makes the encoding canonical, so exactly one header value
// is accepted for each digest.
const CANONICAL_DIGEST = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** A header value as Node (string or list) or the Fetch API (null) gives it. */
export type HeaderValue = string | readonly string[] | null | undefined;

/**
 * Decodes the signature header into the digest bytes it names.
 *
 * Strict on purpose: exactly one value, standard base64 with its padding, no
 * whitespace, no prefix, and 32 bytes once decoded. Throws
 * `signature.missing` or `signature.malformed`; never echoes the value.
 */
export function decodeSignatureHeader(value: HeaderValue): Uint8Array {
  const values = typeof value === 'string' ? [value] : (value ?? []);
  if (values.length === 0) {
    throw new RocketReachWebhookError(
      'signature.missing',
      'The X-RocketReach-Signature header is missing.',
    );
  }
  const [single] = values;
  if (
    values.length > 1 ||
    single === undefined ||
    !CANONICAL_DIGEST.test(single)
  ) {
    throw new RocketReachWebhookError(
      'signature.malformed',
      'The X-RocketReach-Signature header is not one base64-encoded HMAC-SHA256 digest.',
    );
  }

  return decodeDigest(single);
}

const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes a header that `CANONICAL_DIGEST` accepted: ten groups of four
 * characters give 30 bytes, and the last three characters the final two
 * bytes plus the two zero bits the pattern insisted on.
 */
function decodeDigest(text: string): Uint8Array {
  const sextet = (at: number) => SEXTET[text.charCodeAt(at)] as number;
  const digest = new Uint8Array(DIGEST_LENGTH);
  let out = 0;
  for (let at = 0; at < 40; at += 4) {
    const bits =
      (sextet(at) << 18) |
      (sextet(at + 1) << 12) |
      (sextet(at + 2) << 6) |
      sextet(at + 3);
    digest[out++] = bits >> 16;
    digest[out++] = (bits >> 8) & 0xff;
    digest[out++] = bits & 0xff;
  }
  const last = (sextet(40) << 12) | (sextet(41) << 6) | sextet(42);
  digest[30] = last >> 10;
  digest[31] = (last >> 2) & 0xff;
  return digest;
}

/**
 * Reads `RR-Request-ID`. It correlates a delivery with the lookup request but
 * is not covered by the signature, so it is treated as a hint: trimmed, and
 * dropped when empty or longer than any UUID-like identifier would be.
 */
export function readRequestId(value: HeaderValue): string | undefined {
  const single = firstHeaderValue(value);
  if (single === undefined) return undefined;

  const trimmed = single.trim();
  return trimmed.length > 0 && trimmed.length <= 128 ? trimmed : undefined;
}

/** The first value of a header, whichever form the runtime gives it in. */
export function firstHeaderValue(value: HeaderValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}
