import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CACHE_HEADER_PREFIX,
  cacheData,
  cacheFile,
  KEY_LINE_PREFIX,
  loadScript,
  scriptKey,
  type ScriptFiles,
} from '../../../src/cli/code-cache.js';

const KEY = '0123456789abcdef0123456789abcdef';

describe('scriptKey', () => {
  it.each([
    { reason: 'the key on the last line', source: `x;\n${KEY_LINE_PREFIX}${KEY}\n`, want: KEY },
    {
      reason: 'the last line without a final newline',
      source: `x;\n${KEY_LINE_PREFIX}${KEY}`,
      want: KEY,
    },
    { reason: 'a script of only the key line', source: `${KEY_LINE_PREFIX}${KEY}\n`, want: KEY },
    { reason: 'no key line: no key', source: 'x;\n', want: undefined },
    {
      reason: 'a key line that is not the last line does not count',
      source: `${KEY_LINE_PREFIX}${KEY}\nx;\n`,
      want: undefined,
    },
    {
      reason: 'upper-case digits are not a key the build writes',
      source: `${KEY_LINE_PREFIX}${KEY.toUpperCase()}\n`,
      want: undefined,
    },
    {
      reason: 'a key too short to tell builds apart',
      source: `${KEY_LINE_PREFIX}abc\n`,
      want: undefined,
    },
    {
      reason: 'anything after the key spoils it',
      source: `${KEY_LINE_PREFIX}${KEY} \n`,
      want: undefined,
    },
    { reason: 'an empty script', source: '', want: undefined },
  ])('$reason', ({ source, want }) => {
    expect(scriptKey(source)).toBe(want);
  });
});

describe('cacheFile and cacheData', () => {
  const data = Buffer.from([1, 2, 3, 0, 255]);
  it.each([
    {
      reason: "a file written for the key gives back V8's data",
      file: cacheFile(KEY, data),
      key: KEY,
      want: data,
    },
    {
      reason: "another build's cache is not used",
      file: cacheFile(KEY, data),
      key: KEY.replace('0', 'f'),
      want: undefined,
    },
    {
      reason: 'a header without data is no cache',
      file: Buffer.from(`${CACHE_HEADER_PREFIX}${KEY}\n`),
      key: KEY,
      want: undefined,
    },
    { reason: 'an empty file is no cache', file: Buffer.alloc(0), key: KEY, want: undefined },
    {
      reason: 'V8 data without the header is no cache',
      file: Buffer.concat([data, data]),
      key: KEY,
      want: undefined,
    },
  ])('$reason', ({ file, key, want }) => {
    const got = cacheData(file, key);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(Buffer.compare(got!, want)).toBe(0);
  });
});

describe('loadScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-code-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A script of the loader's shape, its own text per case (so that V8 compiles each anew). */
  const scriptText = (name: string): string =>
    `(function (exports, require, module, importMetaUrl) {'use strict';\n` +
    `module.exports = { name: ${JSON.stringify(name)}, url: importMetaUrl, sep: require('node:path').sep, twice: (x) => 2 * x };\n` +
    `})\n${KEY_LINE_PREFIX}${KEY}\n`;

  /** Writes a script (and a cache, if `cache` gives one for the script's files) for one case. */
  const files = (
    name: string,
    cache?: (f: ScriptFiles) => Buffer | undefined,
    text = scriptText(name),
  ): ScriptFiles => {
    const f: ScriptFiles = {
      script: pathToFileURL(join(dir, `${name}.js`)),
      cache: pathToFileURL(join(dir, `${name}.cache`)),
      // None: a test must not change the V8 flags of the process that runs it.
      v8Flags: [],
    };
    writeFileSync(f.script, text);
    const c = cache?.(f);
    if (c) writeFileSync(f.cache, c);
    return f;
  };

  /** The cache the build would write: from the script compiled and run once. */
  const built = (f: ScriptFiles): Buffer => {
    const first = loadScript<{ twice(x: number): number }>(f)!;
    first.exports.twice(1);
    return cacheFile(KEY, first.script.createCachedData());
  };

  it.each([
    {
      reason: 'no cache file: compiled from the source',
      name: 'none',
      cache: undefined,
      want: 'missing',
    },
    { reason: 'the build’s cache is used', name: 'built', cache: built, want: 'used' },
    {
      reason: 'a cache of another build (another key) is not offered to V8',
      name: 'other-key',
      cache: (f: ScriptFiles) =>
        cacheFile('f'.repeat(32), built(f).subarray(`${CACHE_HEADER_PREFIX}${KEY}\n`.length)),
      want: 'missing',
    },
    {
      reason:
        'data V8 cannot use (here: of a script of another length) is refused, and the source is compiled',
      name: 'refused',
      cache: () => built(files('refused-other', undefined, scriptText('a longer name than this'))),
      want: 'refused',
    },
  ])('$reason', ({ name, cache, want }) => {
    const f = files(name, cache);
    const loaded = loadScript<{ name: string; url: string; sep: string; twice(x: number): number }>(
      f,
    );
    expect(loaded?.cache).toBe(want);
    // Whatever became of the cache, the script runs, with a require and its own URL as import.meta.url.
    expect(loaded?.exports).toMatchObject({ name, url: f.script.href, sep: '/' });
    expect(loaded?.exports.twice(21)).toBe(42);
  });

  it('gives undefined when the build has no script', () => {
    expect(
      loadScript({
        script: pathToFileURL(join(dir, 'absent.js')),
        cache: pathToFileURL(join(dir, 'absent.cache')),
        v8Flags: [],
      }),
    ).toBeUndefined();
  });
});
