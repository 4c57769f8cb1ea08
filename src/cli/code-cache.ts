// A script loaded with V8's code cache. Node.js 20 keeps no compiled code between runs of an ES module (its
// module compile cache starts with Node.js 22), so every `rolegate validate` compiled its code again, one
// function at a time as each ran first, and a run over a small repository is mostly that. The build bundles
// `validate` into one classic script (validate-script.ts) and runs it once over sample manifests to write the
// bytecode V8 compiled into a cache file beside it (scripts/code-cache.mjs); this module compiles the script with
// that cache, so that the functions a run needs come ready. The cache is only an accelerator: when V8 refuses it
// (another Node.js or V8 version, other V8 flags) or it belongs to another build of the script, the script is
// compiled from its source as before.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { VALIDATE_V8_FLAGS } from './validate-flags.js';

/**
 * The last line of a script built for this loader: the key of the build (a hash of the rest of the script). The
 * cache file starts with the same key, so that a cache never meets another build's script: V8 itself checks only
 * the length of the source.
 */
export const KEY_LINE_PREFIX = '//# rolegate-code-cache-key=';

/** The first line of a cache file, before V8's data: this prefix and the key. */
export const CACHE_HEADER_PREFIX = 'rolegate-code-cache ';

/** A key: lower-case hexadecimal, 16 to 128 digits. */
const KEY = /^[0-9a-f]{16,128}$/;

/** The key on the last line of a script's source, or undefined if it has none. */
export function scriptKey(source: string): string | undefined {
  const trimmed = source.endsWith('\n') ? source.slice(0, -1) : source;
  const start = trimmed.lastIndexOf('\n') + 1;
  if (!trimmed.startsWith(KEY_LINE_PREFIX, start)) return undefined;
  const key = trimmed.slice(start + KEY_LINE_PREFIX.length);
  return KEY.test(key) ? key : undefined;
}

/** The contents of a cache file for `key`. */
export function cacheFile(key: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${CACHE_HEADER_PREFIX}${key}\n`, 'latin1'), data]);
}

/** V8's data in a cache file if the file was written for `key`, else undefined. */
export function cacheData(file: Buffer, key: string): Buffer | undefined {
  const header = `${CACHE_HEADER_PREFIX}${key}\n`;
  if (file.length <= header.length || file.toString('latin1', 0, header.length) !== header) {
    return undefined;
  }
  return file.subarray(header.length);
}

/** What became of the cache when a script was compiled. */
export type CacheOutcome = 'used' | 'refused' | 'missing';

/** A compiled and started script. */
export interface LoadedScript<T> {
  /** What the script exported (its `module.exports`). */
  exports: T;
  cache: CacheOutcome;
  /** The compiled script, from which the build writes the cache (Script.createCachedData). */
  script: Script;
}

/** Where a script and its cache are, and how it is compiled. */
export interface ScriptFiles {
  script: URL;
  cache: URL;
  /**
   * V8 flags the script's code runs with, set before it is compiled: V8 accepts a cache only under the flags it
   * was written with, so the build sets the same.
   */
  v8Flags: readonly string[];
}

/**
 * Compiles and starts a script built for this loader: its source is a function expression of `(exports,
 * require, module, importMetaUrl)` (what esbuild's CommonJS bundle is wrapped in), with no `import()` (a script
 * of node:vm can import only through an experimental option), run with a require and an
 * `import.meta.url` of the script's own location. Returns undefined when the script file is not there (a
 * build without it); a cache that is missing, refused or of another build only costs the compile time.
 */
export function loadScript<T>(files: ScriptFiles): LoadedScript<T> | undefined {
  let source: string;
  try {
    source = readFileSync(files.script, 'utf8');
  } catch {
    return undefined;
  }
  for (const flag of files.v8Flags) setFlagsFromString(flag);
  const key = scriptKey(source);
  let cachedData: Buffer | undefined;
  if (key !== undefined) {
    try {
      cachedData = cacheData(readFileSync(files.cache), key);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(source, {
    filename: fileURLToPath(files.script),
    ...(cachedData ? { cachedData } : {}),
  });
  const cache: CacheOutcome =
    cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'refused' : 'used';
  const module = { exports: {} as T };
  const start = script.runInThisContext() as (
    exports: T,
    require: NodeJS.Require,
    module: { exports: T },
    importMetaUrl: string,
  ) => void;
  start(module.exports, createRequire(files.script), module, files.script.href);
  return { exports: module.exports, cache, script };
}

/**
 * The compiled script of `rolegate validate` and its cache, in `dir` (dist/cli: the bundled command line's
 * directory, where scripts/bundle-cli.mjs writes them).
 */
export function validateScriptFiles(dir: URL): ScriptFiles {
  return {
    script: new URL('validate.script.js', dir),
    cache: new URL('validate.script.cache', dir),
    v8Flags: VALIDATE_V8_FLAGS,
  };
}
