import { randomBytes } from 'node:crypto';

import { sign, verifySignature } from '../src/index';
import { OTHER_SECRET, profile, SECRET } from './support/fixtures';
import { referenceSign } from './support/reference';

const bodies: [string, string | Buffer][] = [
  ['an empty body', ''],
  ['a compact profile', JSON.stringify(profile(1))],
  ['a pretty-printed profile', JSON.stringify(profile(1), null, 2)],
  ['non-ASCII text', JSON.stringify({ id: 1, name: 'Zoë 山田 🚀 Ñandú' })],
  [
    'a 100-profile bulk body',
    JSON.stringify(Array.from({ length: 100 }, (_, i) => profile(i))),
  ],
  ['arbitrary bytes', randomBytes(4096)],
];

describe("sign and verifySignature agree with the provider's Python sample", () => {
  const reference = referenceSign(
    bodies.map(([, body]) => ({ secret: SECRET, body })),
  );

  it.each(bodies.map(([label, body], i) => [label, body, i] as const))(
    'sign() matches the reference for %s',
    (_label, body, i) => {
      expect(sign(SECRET, body)).toBe(reference[i]?.signature);
    },
  );

  it('the reference accepts what sign() produces and verifySignature accepts the reference', () => {
    const cases = bodies.map(([, body]) => ({
      secret: SECRET,
      body,
      signature: sign(SECRET, body),
    }));
    expect(referenceSign(cases).map((r) => r.verified)).toEqual(
      bodies.map(() => true),
    );
    bodies.forEach(([, body], i) => {
      expect(verifySignature(SECRET, body, reference[i]!.signature)).toBe(true);
    });
  });

  it('signs strings as UTF-8, the same as their bytes', () => {
    const text = '{"name":"Zoë"}';
    expect(sign(SECRET, text)).toBe(sign(SECRET, Buffer.from(text, 'utf8')));
    expect(sign(SECRET, text)).toBe(
      sign(SECRET, new Uint8Array(Buffer.from(text))),
    );
  });
});

describe('verifySignature', () => {
  const body = JSON.stringify(profile(1));
  const signature = sign(SECRET, body);

  it('accepts a signature under any secret of a list', () => {
    expect(verifySignature([OTHER_SECRET, SECRET], body, signature)).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignature(OTHER_SECRET, body, signature)).toBe(false);
  });

  it('refuses the same value serialised differently', () => {
    expect(
      verifySignature(SECRET, JSON.stringify(profile(1), null, 2), signature),
    ).toBe(false);
  });

  it.each([
    ['with surrounding whitespace', ` ${signature} `],
    ['without padding', signature.slice(0, -1)],
    ['as hex', Buffer.from(signature, 'base64').toString('hex')],
    [
      'non-canonical (padding bits set)',
      `${signature.slice(0, 42)}${String.fromCharCode(signature.charCodeAt(42) | 1)}=`,
    ],
    ['empty', ''],
  ])('answers false for a signature %s', (_label, value) => {
    expect(verifySignature(SECRET, body, value)).toBe(false);
  });

  it('throws a TypeError for a missing secret rather than answering false', () => {
    expect(() => verifySignature('', body, signature)).toThrow(TypeError);
    expect(() => verifySignature([], body, signature)).toThrow(
      'verifySignature needs a secret or a non-empty list of secrets.',
    );
  });
});
