import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandGlob,
  InputError,
  isGlob,
  manifestInputs,
  readStdin,
  resolveInputs,
} from '../../../src/cli/inputs.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolegate-glob-'));
  for (const f of [
    'a.yaml',
    'b.yml',
    'c.json',
    'notes.txt',
    '.hidden.yaml',
    'sub/d.yaml',
    'sub/deeper/e.yaml',
    '.git/f.yaml',
    'x[1].yaml',
  ]) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), '');
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expandGlob (bash with globstar)', () => {
  it.each([
    { reason: '* within one directory', pattern: '*.yaml', want: ['a.yaml', 'x[1].yaml'] },
    { reason: '? is one character', pattern: '?.y*ml', want: ['a.yaml', 'b.yml'] },
    { reason: 'a class', pattern: '[ab].*', want: ['a.yaml', 'b.yml'] },
    { reason: 'a negated class', pattern: '[!ab].json', want: ['c.json'] },
    {
      reason: '** is any number of directories, none included; hidden ones are not entered',
      pattern: '**/*.yaml',
      want: ['a.yaml', 'sub/d.yaml', 'sub/deeper/e.yaml', 'x[1].yaml'],
    },
    { reason: 'a literal directory then a glob', pattern: 'sub/*.yaml', want: ['sub/d.yaml'] },
    { reason: 'a glob directory', pattern: '*/d.yaml', want: ['sub/d.yaml'] },
    {
      reason: 'a leading dot matches when the pattern has one',
      pattern: '.h*',
      want: ['.hidden.yaml'],
    },
    { reason: 'no match is empty', pattern: '*.toml', want: [] },
    { reason: 'an escaped bracket is literal', pattern: 'x\\[1\\].*', want: ['x[1].yaml'] },
  ])('$reason: $pattern', ({ pattern, want }) => {
    expect(expandGlob(pattern, dir)).toEqual(want);
  });

  it('keeps an absolute pattern absolute', () => {
    expect(expandGlob(join(dir, 'sub', '*.yaml'))).toEqual([join(dir, 'sub', 'd.yaml')]);
  });
});

describe('isGlob', () => {
  it.each([
    { arg: 'manifests/', want: false, reason: 'a plain path' },
    { arg: 'manifests/*.yaml', want: true, reason: 'a star' },
    { arg: 'a?.yaml', want: true, reason: 'a question mark' },
    { arg: 'x\\*.yaml', want: false, reason: 'an escaped star' },
  ])('$reason', ({ arg, want }) => {
    expect(isGlob(arg)).toBe(want);
  });
});

describe('resolveInputs', () => {
  it('expands globs in argument order, notes -, and keeps a path that exists even with glob characters', () => {
    expect(resolveInputs(['sub', '-', '*.json', 'x[1].yaml'], dir)).toEqual({
      paths: ['sub', 'c.json', 'x[1].yaml'],
      stdin: true,
    });
  });

  it.each([
    { reason: 'a glob without matches', args: ['*.toml'], message: 'No file matches *.toml' },
    { reason: '- twice', args: ['-', '-'], message: 'only once' },
  ])('$reason is an InputError', ({ args, message }) => {
    expect(() => resolveInputs(args, dir)).toThrow(InputError);
    expect(() => resolveInputs(args, dir)).toThrow(message);
  });

  it('manifestInputs refuses a missing path as validate says it', async () => {
    await expect(manifestInputs(['no/such/dir'])).rejects.toThrow(
      'Path no/such/dir does not exist',
    );
  });

  it('manifestInputs reads standard input only when - is given', async () => {
    const stream = (): Readable => Readable.from([Buffer.from('kind: PrivilegedRole\n')]);
    expect(await manifestInputs([dir], stream())).toEqual({ paths: [dir] });
    expect(await manifestInputs(['-', dir], stream())).toEqual({
      paths: [dir],
      stdin: Buffer.from('kind: PrivilegedRole\n'),
    });
  });
});

describe('readStdin', () => {
  it('reads every chunk', async () => {
    expect(await readStdin(Readable.from([Buffer.from('a: 1\n'), Buffer.from('b: 2\n')]))).toBe(
      'a: 1\nb: 2\n',
    );
  });
});
