#!/usr/bin/env node
// Bundles the command line (src/cli/main.ts) with esbuild into dist/cli/main.js plus shared chunks beside it
// (dist/cli/chunk-*.js), replacing the entry tsc wrote. Run by `npm run build` after tsc, so the rest of dist/
// (what tests and the controller import) stays tsc's output. Why: Node's ES module loader pays for every file it
// resolves, reads and compiles; `rolegate validate` runs on every push and every pre-commit, and its ~60 modules
// cost more start-up than its work on a small repository. Code splitting keeps each command's lazy import():
// `validate` loads the entry and its own chunks, never the controller's. The runtime dependencies stay external
// (they are installed with the package), except the two in BUNDLED.
// Usage: node scripts/bundle-cli.mjs
import { readdirSync, readFileSync, rmSync } from 'node:fs';
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
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED.includes(d)),
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
