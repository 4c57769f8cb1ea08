// The `yaml` package, loaded on first use. Most runs of `rolegate validate` never need it (the fast path of
// fast-yaml.ts parses plain files without it), and loading it is a noticeable part of start-up. Loaded with
// require because parsing is synchronous; for Node, `yaml` is a CommonJS package either way (its `exports`
// map `node` to dist/index.js), so this is the same module instance a static import gets.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/** The `yaml` module. */
export function yamlLib(): typeof Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib;
}
