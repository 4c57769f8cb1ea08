// readText replaces readFileSync(path, 'utf8') for manifest files: the same text, and the same errors.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText } from '../../../src/manifests/read-text.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolegate-read-text-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readText', () => {
  it.each([
    { name: 'empty', reason: 'an empty file is an empty string', bytes: Buffer.alloc(0) },
    { name: 'ascii', reason: 'the common case', bytes: Buffer.from('a: 1\nb: two\n') },
    {
      name: 'bom',
      reason: 'a byte order mark is kept (parseManifestText strips it)',
      bytes: Buffer.from('\ufeffa: 1\n'),
    },
    {
      name: 'utf8',
      reason: 'multi-byte characters',
      bytes: Buffer.from('name: Administrateur général 😀\n'),
    },
    {
      name: 'invalid',
      reason: 'invalid UTF-8 becomes U+FFFD as with readFileSync',
      bytes: Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x0a]),
    },
    {
      name: 'large',
      reason: 'larger than the reused buffer, which grows',
      bytes: Buffer.alloc(300_000, 'x'),
    },
  ])('$name: $reason', async ({ name, bytes }) => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, bytes);
    expect(readText(file)).toBe(readFileSync(file, 'utf8'));
  });

  it('a missing file throws what readFileSync throws', () => {
    const file = join(dir, 'missing.yaml');
    let want: unknown;
    try {
      readFileSync(file, 'utf8');
    } catch (err) {
      want = err;
    }
    expect(() => readText(file)).toThrow((want as Error).message);
  });
});
