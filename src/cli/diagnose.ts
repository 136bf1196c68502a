import { decodeSignatureHeader } from '../core/signature.js';
import { matchesAnySecret } from '../node/hmac.js';

export interface DiagnoseInput {
  body: Buffer;
  signature: string;
  /** The secrets the receiver is configured with. */
  secrets: string[];
  /** Secrets of the account's other webhooks, to check against. */
  otherSecrets: string[];
}

export interface Diagnosis {
  verified: boolean;
  /** Likely causes found, each a sentence for the terminal. */
  causes: string[];
}

/**
 * Says whether a body verifies and, when it does not, tries the mistakes
 * that usually explain it. Secrets and signatures are referred to by
 * position, never printed.
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const { body, signature, secrets, otherSecrets } = input;

  let digest: Uint8Array;
  try {
    digest = decodeSignatureHeader(signature);
  } catch {
    return { verified: false, causes: [describeMalformed(signature)] };
  }
  if (matchesAnySecret(secrets, body, digest))
    return { verified: true, causes: [] };

  const causes: string[] = [];

  // an empty body
  if (body.length === 0) {
    causes.push(
      'The body is empty. The signature covers the raw request body: pass the bytes as ' +
        'received, and check that no parser consumed them first.',
    );
  }

  // whitespace around a secret
  const trimmed = secrets
    .map((secret) => secret.trim())
    .filter((s, i) => s !== secrets[i]);
  if (trimmed.length > 0 && matchesAnySecret(trimmed, body, digest)) {
    causes.push(
      'A secret has whitespace around it: the trimmed secret verifies. Trim the value ' +
        '(a copied newline or space is the usual cause).',
    );
  }

  // a body that was re-serialised
  const variant = reserialisedVariant(body, secrets, digest);
  if (variant) {
    causes.push(
      `The body was re-serialised: the ${variant} JSON of the same value verifies. ` +
        'Verify the raw bytes as received, before any JSON parser, not JSON.stringify of ' +
        'a parsed object.',
    );
  }

  // a secret from another webhook
  const other = otherSecrets.findIndex((secret) =>
    matchesAnySecret([secret], body, digest),
  );
  if (other !== -1) {
    causes.push(
      `The signature was made with another webhook's secret (--other-secret number ` +
        `${other + 1}). The lookup request named that webhook, or none, in which case ` +
        'RocketReach uses the top-most enabled webhook.',
    );
  }

  if (causes.length === 0) {
    causes.push(
      'No likely cause found. The signature may come from another webhook, or from a ' +
        'secret regenerated in the dashboard since: compare the webhook ID of the lookup ' +
        "request, and pass other webhooks' secrets with --other-secret to check.",
    );
  }
  return { verified: false, causes };
}

function reserialisedVariant(
  body: Buffer,
  secrets: string[],
  digest: Uint8Array,
): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }

  const variants: [string, string][] = [
    ['compact', JSON.stringify(value)],
    ['pretty-printed (2 spaces)', JSON.stringify(value, null, 2)],
    ['pretty-printed (4 spaces)', JSON.stringify(value, null, 4)],
    ['tab-indented', JSON.stringify(value, null, '\t')],
  ];
  for (const [name, text] of [...variants])
    variants.push([`${name}, newline-terminated`, `${text}\n`]);

  return variants.find(([, text]) =>
    matchesAnySecret(secrets, Buffer.from(text), digest),
  )?.[0];
}

function describeMalformed(signature: string): string {
  const value = signature;
  const expected =
    'RocketReach sends base64 of a 32-byte digest: 44 characters ending in "=".';

  if (value.length === 0) return `The signature is empty. ${expected}`;
  if (value !== value.trim())
    return `The signature has whitespace around it; trim it. ${expected}`;
  if (/^[0-9a-f]{64}$/i.test(value))
    return `The signature looks like hex. ${expected}`;
  if (
    /^[a-z0-9]+=/i.test(value) &&
    value.includes('=') &&
    !value.endsWith('=')
  ) {
    return `The signature has a prefix such as "sha256=": remove it. ${expected}`;
  }
  if (/[-_]/.test(value))
    return `The signature uses the base64url alphabet (- and _). ${expected}`;
  if (/^[A-Za-z0-9+/]{43}$/.test(value))
    return `The signature lost its "=" padding. ${expected}`;
  if (value.includes(','))
    return `The header holds more than one signature. ${expected}`;
  return `The signature is not a base64-encoded HMAC-SHA256 digest. ${expected}`;
}
