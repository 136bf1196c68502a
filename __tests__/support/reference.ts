import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface ReferenceCase {
  secret: string;
  body: string | Uint8Array;
  /** When given, the reference also says whether it verifies. */
  signature?: string;
}

export interface ReferenceResult {
  signature: string;
  verified: boolean | null;
}

/**
 * Signs (and optionally verifies) bodies with the provider's own Python
 * sample, independently of this package's code.
 */
export function referenceSign(cases: ReferenceCase[]): ReferenceResult[] {
  const input = cases.map(({ secret, body, signature }) => ({
    secret,
    body_base64: Buffer.from(body).toString('base64'),
    signature,
  }));
  const output = execFileSync(
    'python3',
    [join(__dirname, 'provider_signature.py')],
    { input: JSON.stringify(input), encoding: 'utf8' },
  );
  return JSON.parse(output) as ReferenceResult[];
}

/** The reference signature of one body. */
export function referenceSignature(
  secret: string,
  body: string | Uint8Array,
): string {
  const [result] = referenceSign([{ secret, body }]);
  if (!result) throw new Error('the reference signer returned nothing');
  return result.signature;
}
