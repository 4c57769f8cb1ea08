// Writes a large tree of simple PrivilegedRole manifests (plus one IdentityProvider) for the manifest-loading tests:
// one role per file over up to 100 team directories, every few of them broken in one of several ways. The
// benchmarks have their own, more varied generator (bench/lib/manifests.mjs).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A unique, valid GUID for role i (so no two manifests claim the same role). */
function guid(i: number): string {
  return `62e90394-69f5-4237-9190-${i.toString(16).padStart(12, '0')}`;
}

/** What makes the i-th invalid manifest invalid; cycling through them exercises every error path. */
const BREAKAGES: readonly ((spec: string) => string)[] = [
  (s) => s.replace('mfaRequired: true', 'mfaRequired: yes'),
  (s) => s.replace(/id: \S+/, 'id: not-a-guid'),
  (s) => s.replace('enforcement:', 'enforcment:'),
  (s) => s.replace(/ {2}role:\n {4}id: \S+\n/, '  role: {}\n'),
];

/**
 * Writes `n` role manifests into `dir` (one per file, spread over up to 100 sub-directories, like a large
 * git repository) plus `provider.yaml`. Every `1 / invalidRatio`-th manifest is broken in one of several
 * ways, deterministically, so runs are comparable. Returns the number of invalid manifests written.
 */
export async function generateManifests(
  dir: string,
  n: number,
  invalidRatio = 0,
): Promise<{ invalid: number }> {
  await writeFile(
    join(dir, 'provider.yaml'),
    [
      'apiVersion: rolegate.io/v1alpha1',
      'kind: IdentityProvider',
      'metadata:',
      '  name: emulator',
      'spec:',
      '  entra:',
      '    tenantId: 0d6e1f0a-5b7c-4e4f-9a3b-2c1d0e9f8a7b',
      '    graphBaseUrl: http://127.0.0.1:8943',
      '    credentials:',
      '      type: Emulator',
      '',
    ].join('\n'),
  );
  for (let d = 0; d < Math.min(100, n); d++)
    await mkdir(join(dir, `team-${d}`), { recursive: true });
  const every = invalidRatio > 0 ? Math.max(1, Math.round(1 / invalidRatio)) : 0;
  let invalid = 0;
  // Bounded batches: 10,000 concurrent writes would exhaust file descriptors.
  const writes: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    let text = [
      `# Role ${i}`,
      'apiVersion: rolegate.io/v1alpha1',
      'kind: PrivilegedRole',
      'metadata:',
      `  name: role-${i}`,
      '  namespace: identity',
      '  labels:',
      `    rolegate.io/tier: "${i % 3}"`,
      'spec:',
      '  providerRef:',
      '    name: emulator',
      '  role:',
      `    id: ${guid(i)}`,
      '  scope: /',
      '  mfaRequired: true',
      `  enforcement: ${i % 2 === 0 ? 'Enforce' : 'Audit'}`,
      '',
    ].join('\n');
    if (every > 0 && i % every === every - 1) {
      text = BREAKAGES[invalid % BREAKAGES.length]!(text);
      invalid++;
    }
    writes.push(writeFile(join(dir, `team-${i % 100}`, `role-${i}.yaml`), text));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return { invalid };
}
