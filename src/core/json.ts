// Parses JSON straight from the verified bytes. `JSON.parse` needs a string,
// and decoding a whole body into one would hold a second copy of it (as
// large as the body, twice that for non-Latin-1 text) while the parsed value
// is built. A large top-level array, the shape of every large delivery, is
// instead decoded and parsed a run of elements at a time, so the text held
// at once stays near `PIECE_BYTES` whatever the body's size.
//
// note: finding where to cut costs about a third of a `JSON.parse` of the same
// bytes, so a body up to `WHOLE_BYTES` is decoded whole: its text is then held
// briefly beside the bytes, at most that size (twice it for non-Latin-1 text).

const PIECE_BYTES = 64 * 1024;
const WHOLE_BYTES = 512 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

// Strict UTF-8. Pieces keep a byte order mark where one appears, so that
// `JSON.parse` refuses it there as it would in the whole text.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Piece = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Sizes that decide how a body is cut; tests make them small. */
export interface PieceSizes {
  /** Bodies up to this many bytes are decoded whole. */
  wholeBytes?: number;
  /** The least length of a piece, in bytes. */
  pieceBytes?: number;
}

/**
 * Decodes strict UTF-8 JSON bytes and parses them; the value is the one
 * `JSON.parse` gives for the whole text. Throws a `TypeError` for bytes that
 * are not UTF-8 and a `SyntaxError` for text that is not JSON.
 */
export function parseJsonBytes(
  bytes: Uint8Array,
  { wholeBytes = WHOLE_BYTES, pieceBytes = PIECE_BYTES }: PieceSizes = {},
): unknown {
  const inner = bytes.length > wholeBytes ? arrayContents(bytes) : undefined;
  if (inner === undefined) return JSON.parse(utf8.decode(bytes)) as unknown;

  // Cut the array's contents at top-level commas into pieces of about
  // PIECE_BYTES, and parse each piece as an array of its own. Whether the
  // cuts fall where they should does not decide what is accepted: if every
  // piece is a non-empty list of JSON values, the whole text is a list of
  // JSON values, and its elements are the pieces' elements in order.
  const items: unknown[] = [];
  const pieces = topLevelCuts(bytes, inner.start, inner.end, pieceBytes);
  let from = inner.start;
  for (const cut of [...pieces, inner.end]) {
    const text = utf8Piece.decode(bytes.subarray(from, cut));
    const piece = JSON.parse(`[${text}]`) as unknown[];
    if (piece.length === 0 && pieces.length > 0) {
      throw new SyntaxError('Empty element in a JSON array.');
    }
    for (const item of piece) items.push(item);
    from = cut + 1;
  }
  return items;
}

/**
 * Where the contents of a top-level array begin and end (between its
 * brackets), or undefined when the text is not bracketed like one. A UTF-8
 * byte order mark before it is skipped, as decoding the whole would.
 */
function arrayContents(
  bytes: Uint8Array,
): { start: number; end: number } | undefined {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  while (start < bytes.length && isWhitespace(bytes[start])) start++;
  let end = bytes.length - 1;
  while (end > start && isWhitespace(bytes[end])) end--;

  if (bytes[start] !== OPEN_ARRAY || bytes[end] !== CLOSE_ARRAY || end <= start)
    return undefined;
  return { start: start + 1, end };
}

/**
 * Positions of top-level commas between `start` and `end`, one for each
 * stretch of about `pieceBytes`. Strings are skipped whole, so brackets and
 * commas inside them are not counted.
 */
function topLevelCuts(
  bytes: Uint8Array,
  start: number,
  end: number,
  pieceBytes: number,
): number[] {
  const cuts: number[] = [];
  let pieceStart = start;
  let depth = 0;

  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = closingQuote(bytes, i + 1, end);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth++;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    } else if (byte === COMMA && depth === 0 && i - pieceStart >= pieceBytes) {
      cuts.push(i);
      pieceStart = i + 1;
    }
  }
  return cuts;
}

/** The index of the quote that ends a string whose text starts at `from`. */
function closingQuote(bytes: Uint8Array, from: number, end: number): number {
  for (let at = bytes.indexOf(QUOTE, from); at !== -1 && at < end;) {
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  // Unterminated: no cut after this point; parsing reports the error.
  return end;
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
