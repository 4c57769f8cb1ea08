// Which manifest files are not UTF-8 text. rolegate reads every manifest as UTF-8; a file saved as UTF-16 (a
// Windows editor's "Unicode"), a binary file with a manifest's extension, or text in another 8-bit encoding
// would otherwise be decoded into something else and pass as "no rolegate objects here", silently leaving its
// roles unmanaged. Each case is one finding at the place it was seen.
import { isUtf8 } from 'node:buffer';
import type { ManifestIssue } from './types.js';

/** An encoding finding, and whether the file can still be read as text. */
export interface EncodingFinding {
  issue: ManifestIssue;
  /**
   * False for UTF-16 and binary files, which are not parsed at all; true for invalid UTF-8, whose other bytes
   * are still read (the invalid ones as U+FFFD).
   */
  readable: boolean;
}

const NUL = 0;
const LF = 10;

/**
 * How many bytes from the start are looked at to tell UTF-16 without a byte order mark from other binary
 * content: enough for a few lines of text.
 */
const SNIFF_BYTES = 512;

/** The first byte of `bytes` that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    // The second byte's range (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) low = 0xa0;
      else if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) low = 0x90;
      else if (c === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || b < (k === 1 ? low : 0x80) || b > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Line and column (1-based, columns in UTF-16 code units as elsewhere) of a byte offset. */
function positionOf(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = bytes.indexOf(LF); at !== -1 && at < offset; at = bytes.indexOf(LF, at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, col: bytes.toString('utf8', lineStart, offset).length + 1 };
}

/** `little` or `big` when the first bytes look like UTF-16 text of that byte order (every other byte NUL). */
function utf16Order(bytes: Buffer): 'little' | 'big' | undefined {
  const pairs = Math.floor(Math.min(bytes.length, SNIFF_BYTES) / 2);
  if (pairs === 0) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let p = 0; p < pairs; p++) {
    if (bytes[2 * p] === NUL) evenNul++;
    if (bytes[2 * p + 1] === NUL) oddNul++;
  }
  // Text of Latin letters, digits and punctuation: one byte of each pair is NUL, the other is not.
  if (oddNul * 4 >= pairs * 3 && evenNul === 0) return 'little';
  if (evenNul * 4 >= pairs * 3 && oddNul === 0) return 'big';
  return undefined;
}

const NOT_VALIDATED = 'so nothing in it was validated';
const CONVERT = 'save it as UTF-8 (for example with iconv -f UTF-16 -t UTF-8)';

/**
 * The encoding finding of a file's bytes, if any. `firstLine` is the file line `bytes` starts at, and
 * `atStart` whether they are the start of the file (where byte order marks and UTF-16 are told apart);
 * both are for files read in parts (large-file.ts).
 */
export function encodingFinding(
  file: string,
  bytes: Buffer,
  firstLine = 1,
  atStart = true,
): EncodingFinding | undefined {
  const at = (
    offset: number,
    rule: string,
    message: string,
    readable: boolean,
  ): EncodingFinding => {
    const pos = positionOf(bytes, offset);
    return {
      issue: {
        file,
        line: pos.line + firstLine - 1,
        col: pos.col,
        pointer: '',
        rule,
        severity: 'error',
        message,
      },
      readable,
    };
  };
  if (atStart && bytes.length >= 2) {
    const bom =
      bytes[0] === 0xff && bytes[1] === 0xfe
        ? 'little'
        : bytes[0] === 0xfe && bytes[1] === 0xff
          ? 'big'
          : undefined;
    if (bom !== undefined) {
      return at(
        0,
        'encoding.utf16',
        `The file is UTF-16 (${bom}-endian, with a byte order mark), not UTF-8: rolegate reads manifests as UTF-8, ${NOT_VALIDATED}; ${CONVERT}`,
        false,
      );
    }
  }
  const nul = bytes.indexOf(NUL);
  if (nul !== -1) {
    const order = atStart ? utf16Order(bytes) : undefined;
    if (order !== undefined) {
      return at(
        0,
        'encoding.utf16',
        `The file looks like UTF-16 (${order}-endian, without a byte order mark: every other byte is NUL), not UTF-8: rolegate reads manifests as UTF-8, ${NOT_VALIDATED}; ${CONVERT}`,
        false,
      );
    }
    return at(
      nul,
      'encoding.binary',
      `The file holds a NUL byte: it is binary, not YAML or JSON text, ${NOT_VALIDATED}`,
      false,
    );
  }
  if (isUtf8(bytes)) return undefined;
  const bad = firstInvalidUtf8(bytes);
  return at(
    bad,
    'encoding.invalid-utf8',
    `The file is not valid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} here): manifests must be UTF-8 text, and rolegate read the invalid bytes as U+FFFD; save the file as UTF-8`,
    true,
  );
}
