// Which files are not UTF-8 text, and where that is reported.
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { encodingFinding, firstInvalidUtf8 } from '../../../src/manifests/encoding.js';

const text = 'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\n';

describe('encodingFinding', () => {
  it.each([
    { name: 'ascii', reason: 'the common case', bytes: Buffer.from(text), want: undefined },
    {
      name: 'utf8',
      reason: 'multi-byte characters are text',
      bytes: Buffer.from('# Administrateur général 😀\na: 1\n'),
      want: undefined,
    },
    {
      name: 'utf8 bom',
      reason: 'a UTF-8 byte order mark is UTF-8 (parseManifestText strips it)',
      bytes: Buffer.from(`\ufeff${text}`),
      want: undefined,
    },
    { name: 'empty', reason: 'an empty file is text', bytes: Buffer.alloc(0), want: undefined },
    {
      name: 'utf16le bom',
      reason: 'FF FE',
      bytes: Buffer.from(`\ufeff${text}`, 'utf16le'),
      want: '1:1 encoding.utf16 false little-endian, with a byte order mark',
    },
    {
      name: 'utf16be bom',
      reason: 'FE FF',
      bytes: Buffer.from(`\ufeff${text}`, 'utf16le').swap16(),
      want: '1:1 encoding.utf16 false big-endian, with a byte order mark',
    },
    {
      name: 'utf16le',
      reason: 'no byte order mark: every odd byte is NUL',
      bytes: Buffer.from(text, 'utf16le'),
      want: '1:1 encoding.utf16 false little-endian, without a byte order mark',
    },
    {
      name: 'utf16be',
      reason: 'no byte order mark: every even byte is NUL',
      bytes: Buffer.from(text, 'utf16le').swap16(),
      want: '1:1 encoding.utf16 false big-endian, without a byte order mark',
    },
    {
      name: 'binary',
      reason: 'a NUL in text that is not UTF-16: reported where it is',
      bytes: Buffer.concat([Buffer.from('a: 1\nbb'), Buffer.from([0, 0x89, 0x50, 0x4e, 0x47])]),
      want: '2:3 encoding.binary false NUL byte',
    },
    {
      name: 'png',
      reason: 'a real binary header',
      bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      want: '3:1 encoding.binary false NUL byte',
    },
    {
      name: 'latin1',
      reason: 'invalid UTF-8: still readable, reported at the byte (columns in characters)',
      bytes: Buffer.concat([Buffer.from('a: 1\n# é '), Buffer.from([0xe9]), Buffer.from('\n')]),
      want: '2:5 encoding.invalid-utf8 true byte 0xe9',
    },
  ])('$name: $reason', ({ bytes, want }) => {
    const f = encodingFinding('f.yaml', bytes);
    if (want === undefined) {
      expect(f).toBeUndefined();
      return;
    }
    const [pos, rule, readable, ...words] = want.split(' ');
    expect(`${f?.issue.line}:${f?.issue.col}`).toBe(pos);
    expect(f?.issue.rule).toBe(rule);
    expect(f?.issue.severity).toBe('error');
    expect(String(f?.readable)).toBe(readable);
    expect(f?.issue.message).toContain(words.join(' '));
  });

  it('a part of a file: lines count from the part, UTF-16 is told only at the start', () => {
    const bytes = Buffer.from('x: 1\ny\u0000\n');
    expect(encodingFinding('f.yaml', bytes, 41, false)?.issue).toMatchObject({ line: 42, col: 2 });
    const utf16 = Buffer.from(text, 'utf16le');
    expect(encodingFinding('f.yaml', utf16, 1, false)?.issue.rule).toBe('encoding.binary');
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    {
      name: 'valid',
      reason: 'all of 1 to 4 bytes',
      bytes: [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80],
      want: -1,
    },
    { name: 'lone continuation', reason: 'starts nothing', bytes: [0x61, 0x80], want: 1 },
    { name: 'overlong 2', reason: 'C0/C1 are never valid', bytes: [0xc0, 0xaf], want: 0 },
    { name: 'overlong 3', reason: 'E0 needs A0..BF next', bytes: [0xe0, 0x80, 0x80], want: 0 },
    { name: 'surrogate', reason: 'ED A0 80 is U+D800', bytes: [0x61, 0xed, 0xa0, 0x80], want: 1 },
    {
      name: 'too high',
      reason: 'F4 90 is above U+10FFFF',
      bytes: [0xf4, 0x90, 0x80, 0x80],
      want: 0,
    },
    { name: 'f5', reason: 'never a lead byte', bytes: [0xf5, 0x80, 0x80, 0x80], want: 0 },
    {
      name: 'truncated',
      reason: 'the file ends inside a sequence',
      bytes: [0x61, 0xe2, 0x82],
      want: 1,
    },
  ])('$name: $reason', ({ bytes, want }) => {
    expect(firstInvalidUtf8(Buffer.from(bytes))).toBe(want);
  });

  it('agrees with Node’s own check on random bytes', () => {
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // Mostly valid text with a few random bytes in it, so that both answers occur often.
    const alphabet = [...Buffer.from('a: é€😀\n')];
    for (let n = 0; n < 3000; n++) {
      const b = Buffer.from(
        Array.from({ length: 1 + rand(24) }, () =>
          rand(8) === 0 ? rand(256) : alphabet[rand(alphabet.length)]!,
        ),
      );
      expect(firstInvalidUtf8(b) === -1, b.toString('hex')).toBe(isUtf8(b));
    }
  });
});
