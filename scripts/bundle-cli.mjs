#!/usr/bin/env node
// Bundles the command line (src/cli/main.ts) with esbuild into dist/cli/main.js plus shared chunks beside it
// (dist/cli/chunk-*.js), replacing the entry tsc wrote. Run by `npm run build` after tsc, so the rest of dist/
// (what tests and the controller import) stays tsc's output. Why: Node's ES module loader pays for every file it
// resolves, reads and compiles; `rolegate validate` runs on every push and every pre-commit, and its ~60 modules
// cost more start-up than its work on a small repository. Code splitting keeps each command's lazy import():
// `validate` loads the entry and its own chunks, never the controller's. The runtime dependencies stay external
// (they are installed with the package), except the two in BUNDLED.
//
// Then `rolegate validate` once more, as one classic script (dist/cli/validate.script.js, from
// src/cli/validate-script.ts) that main.js compiles with V8's code cache (src/cli/code-cache.ts), and the cache
// itself, written by scripts/code-cache.mjs after a run over sample manifests (dist/cli/validate.script.cache).
// Node.js 20 caches no compiled code for ES modules, and a validate run over a small repository is mostly V8
// compiling the code it runs for the first time.
// Usage: node scripts/bundle-cli.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/**
 * Dependencies bundled rather than loaded from node_modules: commander, which every command parses with, and ajv,
 * of which the command line uses only the small runtime helper the precompiled validators call (both CommonJS,
 * which Node would otherwise scan for exports on every start).
 */
const BUNDLED = ['commander', 'ajv'];

const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.includes(d));

const result = await build({
  // Paths in the metafile are relative to this.
  absWorkingDir: root,
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node.js the package supports (engines), so no syntax is lowered for it.
  target: 'node20.19',
  chunkNames: 'chunk-[hash]',
  // Every chunk sits in dist/cli, as the modules it replaces did: `new URL('../../package.json', import.meta.url)`
  // and the like resolve as they do from tsc's output.
  external,
  // commander is CommonJS and requires Node's built-ins, which an ES module bundle can only do through a require
  // of its own.
  banner: {
    js: "import { createRequire as __rolegateCreateRequire } from 'node:module'; const require = __rolegateCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  // Keeps the shebang of main.ts and no banner of its own; names stay readable in stack traces.
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
  metafile: true,
});

// Chunks of an earlier build have other hashes: removed, so that dist/ (and the npm tarball) holds only this
// build's. Removed after it rather than before, so that a CLI started meanwhile never misses a chunk it imports.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => join(root, f)));
for (const f of readdirSync(outdir)) {
  const path = join(outdir, f);
  if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f) && !written.has(path)) rmSync(path);
}

// The validate script: esbuild's CommonJS bundle inside a function of (exports, require, module, importMetaUrl),
// the shape src/cli/code-cache.ts runs, with import.meta.url given by the loader (the script's own URL, in the
// same directory as the modules it replaces). The last line is the build's key, a hash of the rest, which the
// cache file repeats.
const scriptPath = join(outdir, 'validate.script.js');
const cachePath = join(outdir, 'validate.script.cache');
// A cache of an earlier build must never sit beside this build's script, even if the step below fails.
rmSync(cachePath, { force: true });
const script = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'src/cli/validate-script.ts')],
  bundle: true,
  splitting: false,
  write: false,
  outfile: scriptPath,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external,
  define: { 'import.meta.url': '__rolegateImportMetaUrl' },
  // import() becomes require(): a script compiled with node:vm can import only through an experimental option,
  // and every module it imports (Node's built-ins, yaml, @azure/identity) can be required.
  supported: { 'dynamic-import': false },
  banner: { js: "(function (exports, require, module, __rolegateImportMetaUrl) {'use strict';" },
  footer: { js: '})' },
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
});
const [code] = script.outputFiles;
const key = createHash('sha256').update(code.text).digest('hex');
// tsc has written dist/ before this script runs.
const { KEY_LINE_PREFIX } = await import(join(root, 'dist/cli/code-cache.js'));
writeFileSync(scriptPath, `${code.text}${KEY_LINE_PREFIX}${key}\n`);
execFileSync(process.execPath, [join(root, 'scripts/code-cache.mjs')], { stdio: 'inherit' });
