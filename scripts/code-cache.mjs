#!/usr/bin/env node
// Writes the V8 code cache of `rolegate validate` (dist/cli/validate.script.cache) for the script
// scripts/bundle-cli.mjs bundled (dist/cli/validate.script.js), and checks that a fresh Node.js process accepts
// it. Run by bundle-cli.mjs, in a process of its own: the script is compiled with the V8 flags validate runs with,
// run as `rolegate validate` over sample manifests below (valid ones, the usual mistakes, every output format),
// so that V8 has compiled the functions a run needs; the cache holds their bytecode (never machine code), and is
// only used by the Node.js and V8 version that wrote it (src/cli/code-cache.ts).
// Usage: node scripts/code-cache.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const loaderUrl = pathToFileURL(join(root, 'dist/cli/code-cache.js')).href;
const { cacheFile, loadScript, scriptKey, validateScriptFiles } = await import(loaderUrl);
const files = validateScriptFiles(pathToFileURL(join(root, 'dist/cli/')));

const guid = (i) => `4b1d0000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const role = (name, spec, meta = '') =>
  `apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata:\n  name: ${name}\n  namespace: identity\n${meta}spec:\n${spec}`;
const entra = (name) =>
  `apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata:\n  name: ${name}\nspec:\n  resyncInterval: 5m\n  entra:\n    tenantId: 00000000-0000-0000-0000-0000000000e1\n    credentials:\n      type: Emulator\n`;

/** Sample manifests: what validate meets in a repository, and the findings it reports most. */
const SAMPLES = {
  'idp/entra.yaml': entra('entra'),
  'idp/keycloak.yaml':
    'apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata:\n  name: keycloak\nspec:\n  keycloak:\n    url: http://127.0.0.1:8080\n    realm: corp\n    credentials:\n      type: ClientSecret\n      clientId: rolegate\n      clientSecretRef:\n        name: keycloak\n        key: secret\n',
  'roles/by-id.yaml': role(
    'by-id',
    `  providerRef:\n    name: entra\n  role:\n    id: "${guid(1)}"\n  mfaRequired: true\n  enforcement: Audit\n  mfa:\n    mechanism: AuthenticationContext\n    authenticationContextId: c1\n  deletionPolicy: Orphan\n`,
    '  labels:\n    "rolegate.io/tier": "0"\n    team: platform\n  annotations:\n    rolegate.io/reconcile-interval: 10m\n',
  ),
  'roles/by-name.yaml': role(
    'by-name',
    '  providerRef:\n    name: entra\n  role:\n    displayName: Exchange Administrator\n  scope: /\n  mfaRequired: true\n',
  ),
  'roles/two.yaml': `# two documents\n${role('first', `  providerRef:\n    name: keycloak\n  role:\n    displayName: realm-admin\n  mfaRequired: true\n`)}---\n${role('second', `  providerRef:\n    name: entra\n  role:\n    id: ${guid(2)}\n  mfaRequired: true # a comment\n`)}`,
  'roles/yes.yaml': role(
    'yes',
    `  providerRef:\n    name: entra\n  role:\n    id: ${guid(3)}\n  mfaRequired: yes\n`,
  ),
  'roles/enum.yaml': role(
    'enum',
    `  providerRef:\n    name: entra\n  role:\n    id: ${guid(4)}\n  mfaRequired: true\n  enforcement: enforce\n`,
  ),
  'roles/pattern.yaml': role(
    'pattern',
    `  providerRef:\n    name: entra\n  role:\n    id: not-a-guid\n  scope: subscriptions/1\n  mfaRequired: true\n`,
  ),
  'roles/cel.yaml': role(
    'cel',
    `  providerRef:\n    name: entra\n  role:\n    id: ${guid(5)}\n  mfaRequired: true\n  mfa:\n    mechanism: AuthenticationContext\n`,
  ),
  'roles/required.yaml': role('required', `  role:\n    id: ${guid(6)}\n  mfaRequired: true\n`),
  'roles/unknown-field.yaml': role(
    'unknown-field',
    `  providerRef:\n    name: entra\n  role:\n    id: ${guid(7)}\n  mfaRequird: true\n`,
  ),
  'roles/missing-provider.yaml': role(
    'missing-provider',
    `  providerRef:\n    name: entr\n  role:\n    id: ${guid(8)}\n  mfaRequired: true\n`,
  ),
  'roles/duplicate-claim.yaml': role(
    'duplicate-claim',
    `  providerRef:\n    name: entra\n  role:\n    id: "${guid(1)}"\n  mfaRequired: true\n`,
  ),
  'roles/duplicate-object.yaml': role(
    'by-name',
    '  providerRef:\n    name: keycloak\n  role:\n    displayName: other\n  mfaRequired: true\n',
  ),
  'roles/flow.yaml': role(
    'flow',
    `  providerRef: { name: entra }\n  role: { id: "${guid(9)}" }\n  mfaRequired: true\n`,
  ),
  'roles/broken.yaml': 'apiVersion: rolegate.io/v1alpha1\nkind: PrivilegedRole\nmetadata: [\n',
  'other/configmap.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: b\n',
};

const dir = mkdtempSync(join(tmpdir(), 'rolegate-code-cache-'));
const write = process.stdout.write;
try {
  for (const [file, text] of Object.entries(SAMPLES)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  // Compiled without a cache: bundle-cli.mjs removed the previous build's.
  const loaded = loadScript(files);
  if (loaded === undefined) throw new Error(`no script at ${fileURLToPath(files.script)}`);
  // What the runs print is not wanted here.
  process.stdout.write = () => true;
  for (const format of ['text', 'json', 'yaml', 'junit', 'github', 'sarif']) {
    for (const extra of [[], ['--strict']]) {
      await loaded.exports.main(['node', 'rolegate', 'validate', dir, '-o', format, ...extra]);
    }
  }
  process.stdout.write = write;
  process.exitCode = 0;
  const key = scriptKey(readFileSync(files.script, 'utf8'));
  if (key === undefined) throw new Error(`${fileURLToPath(files.script)} has no key line`);
  writeFileSync(files.cache, cacheFile(key, loaded.script.createCachedData()));
} finally {
  process.stdout.write = write;
  rmSync(dir, { recursive: true, force: true });
}

// A fresh process, as `rolegate validate` starts: the cache must be accepted, or it is of no use.
const outcome = execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `const { loadScript, validateScriptFiles } = await import(${JSON.stringify(loaderUrl)});
     process.stdout.write(loadScript(validateScriptFiles(new URL(${JSON.stringify(pathToFileURL(join(root, 'dist/cli/')).href)}))).cache);`,
  ],
  { encoding: 'utf8' },
);
if (outcome !== 'used') {
  rmSync(files.cache, { force: true });
  throw new Error(
    `a fresh Node.js process did not use the code cache (${outcome}); it was removed`,
  );
}
