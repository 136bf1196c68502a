// HMAC-SHA256 and SHA-256 through Web Crypto, for runtimes without
// node:crypto.

const encoder = new TextEncoder();

/** A Web Crypto key, named without depending on the DOM library's types. */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Imports each secret as an HMAC-SHA256 verification key. */
export function importKeys(secrets: readonly string[]): Promise<HmacKey[]> {
  return Promise.all(
    secrets.map((secret) =>
      crypto.subtle.importKey(
        'raw',
        encoder.encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      ),
    ),
  );
}

/**
 * Whether the digest matches the body under one of the keys.
 * `crypto.subtle.verify` compares in constant time; every key is tried.
 */
export async function matchesAnyKey(
  keys: readonly HmacKey[],
  body: Uint8Array,
  expected: Uint8Array,
): Promise<boolean> {
  const results = await Promise.all(
    keys.map((key) => crypto.subtle.verify('HMAC', key, expected, body)),
  );
  return results.includes(true);
}

/**
 * The SHA-256 of parts taken in order, as lowercase hex. Web Crypto hashes
 * only whole buffers, so several parts are joined first.
 */
export async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', joined(parts)),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join(
    '',
  );
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const whole = new Uint8Array(
    parts.reduce((total, part) => total + part.length, 0),
  );
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}
