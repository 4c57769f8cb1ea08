// kubeconform for the side-by-side validate benchmark: the binary (built from the Go module proxy by
// scripts/tools/kubeconform.sh into the tool cache, never vendored) and rolegate's CRDs converted to the JSON
// schema files kubeconform reads for custom resources, by the rules of kubeconform's openapi2jsonschema script:
// each served version's openAPIV3Schema, `additionalProperties: false` on every object schema with `properties`
// below the root (the root stays open unless asked, as the script's default), `format: int-or-string` replaced by
// a oneOf of string and integer, written as `{kind}_{version}.json` in lower case.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The kubeconform binary, built on first use (a Go toolchain and the module proxy are needed then). Returns
 * `{ path, version }` or `{ error }` with the reason it could not be had.
 */
export function kubeconformBinary() {
  try {
    const path = execFileSync('bash', [join(ROOT, 'scripts/tools/kubeconform.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    }).trim();
    // A binary from `go install` reports its version as "development": the cache folder is named after it.
    const version = /kubeconform-(v[^/]+)\/kubeconform$/.exec(path)?.[1] ?? 'unknown';
    return { path, version };
  } catch (err) {
    const stderr = err?.stderr ? String(err.stderr).trim().split('\n').slice(-3).join(' / ') : '';
    return {
      error: `${err instanceof Error ? err.message.split('\n')[0] : err}${stderr ? `: ${stderr}` : ''}`,
    };
  }
}

/** Closes every object schema that lists properties, the root excepted (openapi2jsonschema's default). */
function closeObjects(node, isRoot) {
  if (Array.isArray(node)) return node.map((x) => closeObjects(x, false));
  if (node === null || typeof node !== 'object') return node;
  if (node.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v, false);
  if (!isRoot && 'properties' in node && !('additionalProperties' in node)) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Writes the JSON schema of every version of every CRD in `crdDir` (default: the repository's crds/) to
 * `outDir`; returns the file names. kubeconform finds them with
 * `-schema-location 'outDir/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'`.
 */
export function writeKubeconformSchemas(outDir, crdDir = join(ROOT, 'crds')) {
  const written = [];
  for (const file of readdirSync(crdDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const name = `${crd.spec.names.kind}_${v.name}`.toLowerCase() + '.json';
        writeFileSync(
          join(outDir, name),
          JSON.stringify(closeObjects(schema, true), null, 2) + '\n',
        );
        written.push(name);
      }
    }
  }
  return written;
}

/** The arguments for kubeconform on `dir` with the schemas in `schemaDir` only (no network). */
export function kubeconformArgs(schemaDir, dir) {
  return [
    '-schema-location',
    join(schemaDir, '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
    '-summary',
    '-output',
    'json',
    dir,
  ];
}
