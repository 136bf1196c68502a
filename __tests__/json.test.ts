import fc from 'fast-check';

import { parseJsonBytes } from '../src/core/json';
import { buildBulk } from '../src/testing';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What decoding the whole body and calling `JSON.parse` gives. */
function reference(bytes: Uint8Array): { value: unknown } | 'refused' {
  try {
    return { value: JSON.parse(utf8.decode(bytes)) as unknown };
  } catch {
    return 'refused';
  }
}

function outcome(
  bytes: Uint8Array,
  pieceBytes?: number,
): { value: unknown } | 'refused' {
  const sizes = pieceBytes === undefined ? {} : { wholeBytes: 0, pieceBytes };
  try {
    return { value: parseJsonBytes(bytes, sizes) };
  } catch {
    return 'refused';
  }
}

const encode = (text: string) => new TextEncoder().encode(text);
/** Small pieces, so that short texts are cut in many places. */
const pieceBytes = fc.integer({ min: 0, max: 40 });
const indent = fc.constantFrom(undefined, 0, 1, '\t', ' \r\n ');

describe('parseJsonBytes', () => {
  it('parses a large bulk body piece by piece to the same value', () => {
    const profiles = Array.from({ length: 8 }, () => buildBulk(100)).flat();
    const bytes = encode(JSON.stringify(profiles));
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      parseJsonBytes(bytes);
      // pieces of about 64 KiB, never the whole text at once
      expect(parse.mock.calls.length).toBeGreaterThanOrEqual(30);
      for (const [text] of parse.mock.calls) {
        expect(text.length).toBeLessThan(128 * 1024);
      }
    } finally {
      parse.mockRestore();
    }
    expect(outcome(bytes)).toEqual({ value: JSON.parse(utf8.decode(bytes)) });
  });

  it('decodes a body of up to 512 KiB whole', () => {
    const bytes = encode(JSON.stringify(buildBulk(100)));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      parseJsonBytes(bytes);
      expect(parse.mock.calls).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('gives what JSON.parse gives for any JSON array, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 }),
        indent,
        pieceBytes,
        (value, space, piece) => {
          const bytes = encode(JSON.stringify(value, null, space));
          expect(outcome(bytes, piece)).toEqual(reference(bytes));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts and refuses exactly what JSON.parse does for damaged text', () => {
    // Bytes that matter to the way arrays are cut, and bytes that are not
    // UTF-8 or are a byte order mark.
    const damage = fc.constantFrom(
      ...'[]{},":\\ \n0a'.split('').map((c) => [c.charCodeAt(0)]),
      [0xef, 0xbb, 0xbf],
      [0xff],
      [0xc3],
      [0xc3, 0xa9],
    );
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 8 }),
        indent,
        fc.nat(),
        fc.nat({ max: 2 }),
        damage,
        pieceBytes,
        (value, space, at, removed, inserted, piece) => {
          const text = [...encode(JSON.stringify(value, null, space))];
          text.splice(at % (text.length + 1), removed, ...inserted);
          const bytes = Uint8Array.from(text);
          expect(outcome(bytes, piece)).toEqual(reference(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['an empty array', '[]', { value: [] }],
    ['a leading byte order mark', '\uFEFF[1, 2]', { value: [1, 2] }],
    ['a byte order mark after a comma', '[1,\uFEFF2]', 'refused'],
    ['an empty element between commas', '[1,,2]', 'refused'],
    ['a trailing comma', '[1,2,]', 'refused'],
    ['a leading comma', '[,1]', 'refused'],
    [
      'brackets and commas inside strings',
      '["a,]", "\\"],["]',
      { value: ['a,]', '"],['] },
    ],
    ['text after the array', '[1] 2', 'refused'],
    ['a lone bracket', '[', 'refused'],
    ['an object', '{"id": 1}', { value: { id: 1 } }],
  ])('handles %s as JSON.parse does', (_name, text, expected) => {
    const bytes = encode(text);
    expect(outcome(bytes, 0)).toEqual(expected);
    expect(reference(bytes)).toEqual(expected);
  });
});
