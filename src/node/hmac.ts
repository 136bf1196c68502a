import { createHmac, timingSafeEqual } from 'node:crypto';

import { decodeSignatureHeader } from '../core/signature.js';

/** A body as a caller may hold it; strings are signed as UTF-8. */
export type BodyBytes = string | Uint8Array;

/**
 * The signature RocketReach sends for a body: base64 of the HMAC-SHA256 of the
 * raw bytes, keyed with the secret's UTF-8 bytes.
 */
export function sign(secret: string, body: BodyBytes): string {
  assertSecret(secret, 'sign');
  return digest(secret, body).toString('base64');
}

/**
 * Whether `signature` is the signature of `body` under `secret`, or under any
 * of a list of secrets (during a rotation). Compares in constant time, and
 * answers false for a signature that is not a well-formed digest.
 */
export function verifySignature(
  secret: string | readonly string[],
  body: BodyBytes,
  signature: string,
): boolean {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError(
      'verifySignature needs a secret or a non-empty list of secrets.',
    );
  }
  secrets.forEach((entry: unknown) => assertSecret(entry, 'verifySignature'));

  let expected: Uint8Array;
  try {
    expected = decodeSignatureHeader(signature);
  } catch {
    return false;
  }
  return matchesAnySecret(secrets, body, expected);
}

/**
 * Whether the digest matches the body under one of the secrets. Every secret
 * is tried, so the time taken does not tell which one matched.
 */
export function matchesAnySecret(
  secrets: readonly string[],
  body: BodyBytes,
  expected: Uint8Array,
): boolean {
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(digest(secret, body), expected)) matched = true;
  }
  return matched;
}

function digest(secret: string, body: BodyBytes): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

function assertSecret(
  secret: unknown,
  caller: string,
): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(
      `${caller} needs the webhook secret as a non-empty string.`,
    );
  }
}
