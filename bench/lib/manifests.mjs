// Generates a realistic tree of PrivilegedRole manifests for the validate suite: one IdentityProvider, roles
// spread over team directories and namespaces, referenced by id or display name, Enforce/Audit, MFA mechanisms,
// labels and annotations, some files with several documents, and about `invalidRatio` of them invalid in ways
// the CRD schema also rejects (so that kubectl --dry-run=server has the same objects to refuse).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const NAMESPACES = ['identity', 'platform', 'security', 'team-a', 'team-b'];

const guid = (i) =>
  `4b1d0000-${(i >>> 16).toString(16).padStart(4, '0')}-4000-8000-${(i & 0xffff).toString(16).padStart(12, '0')}`;

/** The kinds of invalid manifest, each one a schema error the API server reports too. */
const INVALID = [
  (s) => ({ ...s, mfaRequired: 'yes' }), // a string where a boolean belongs
  (s) => ({ ...s, enforcement: 'enforce' }), // not in the enum
  (s) => ({ ...s, role: { id: `not-a-guid-${s.role.id ?? s.role.displayName}` } }), // pattern
  (s) => ({ ...s, scope: 'subscriptions/123' }), // pattern ^/
  (s) => ({ ...s, mfa: { mechanism: 'AuthenticationContext' } }), // CEL: needs authenticationContextId
  (s) => {
    // a required field missing
    const rest = { ...s };
    delete rest.providerRef;
    return rest;
  },
];

function role(i, invalid, every) {
  const ns = NAMESPACES[i % NAMESPACES.length];
  let spec = {
    providerRef: { name: 'entra-bench' },
    role: i % 4 === 0 ? { displayName: `Bench Role ${i}` } : { id: guid(i) },
    mfaRequired: true,
    ...(i % 3 === 0 ? { enforcement: 'Audit' } : {}),
    ...(i % 5 === 0
      ? { mfa: { mechanism: 'AuthenticationContext', authenticationContextId: 'c1' } }
      : {}),
    ...(i % 7 === 0 ? { deletionPolicy: 'Orphan' } : {}),
  };
  if (invalid) spec = INVALID[Math.floor(i / every) % INVALID.length](spec);
  return {
    apiVersion: 'rolegate.io/v1alpha1',
    kind: 'PrivilegedRole',
    metadata: {
      name: `role-${i}`,
      namespace: ns,
      labels: { 'rolegate.io/tier': String(i % 3), team: `team-${i % 40}` },
      ...(i % 10 === 0 ? { annotations: { 'rolegate.io/reconcile-interval': '10m' } } : {}),
    },
    spec,
  };
}

/** YAML for a plain object tree (strings quoted when they could be read as something else). */
function yaml(v, indent = '') {
  if (Array.isArray(v))
    return v.map((x) => `\n${indent}- ${yaml(x, indent + '  ').trimStart()}`).join('');
  if (v !== null && typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => {
        const key = /^[\w.-]+$/.test(k) ? k : JSON.stringify(k);
        return x !== null && typeof x === 'object'
          ? `\n${indent}${key}:${yaml(x, indent + '  ')}`
          : `\n${indent}${key}: ${scalar(x)}`;
      })
      .join('');
  }
  return scalar(v);
}

function scalar(x) {
  if (typeof x === 'string') {
    // "yes" stays a bare YAML 1.1 boolean-looking string on purpose: that is the invalid case above.
    if (x === 'yes') return 'yes';
    return /^[A-Za-z][\w ./-]*$/.test(x) && !/^(true|false|null|no|on|off|y|n)$/i.test(x)
      ? x
      : JSON.stringify(x);
  }
  return String(x);
}

/**
 * Writes `n` PrivilegedRoles (plus one IdentityProvider) under `dir`, in 100 team directories; every tenth file
 * holds three roles as one multi-document file, unless `onePerFile`. Returns { files, invalid }.
 */
export async function generateManifests(dir, n, invalidRatio = 0.1, { onePerFile = false } = {}) {
  await writeFile(
    join(dir, 'provider.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata:
  name: entra-bench
spec:
  resyncInterval: 5m
  entra:
    tenantId: 00000000-0000-0000-0000-0000000000e1
    graphBaseUrl: http://127.0.0.1:8943
    credentials:
      type: Emulator
`,
  );
  const dirs = Math.min(100, Math.max(1, Math.ceil(n / 100)));
  for (let d = 0; d < dirs; d++) await mkdir(join(dir, `team-${d}`), { recursive: true });
  const every = Math.round(1 / invalidRatio);
  let invalid = 0;
  let files = 1;
  const pending = [];
  for (let i = 0; i < n;) {
    const group = !onePerFile && i % 30 === 0 ? Math.min(3, n - i) : 1;
    const docs = [];
    for (let j = 0; j < group; j++, i++) {
      const bad = i % every === every - 1;
      if (bad) invalid++;
      docs.push(`# PrivilegedRole ${i}${yaml(role(i, bad, every))}\n`);
    }
    pending.push(writeFile(join(dir, `team-${i % dirs}`, `roles-${i}.yaml`), docs.join('---\n')));
    files++;
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { files, invalid };
}
