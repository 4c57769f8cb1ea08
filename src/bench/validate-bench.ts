// Generates PrivilegedRole manifests (plus one IdentityProvider) and times `rolegate validate` over them, in
// process. Run after `npm run build` with `node bench/validate.mjs [N] [invalidRatio] [format]`.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidate } from '../cli/validate.js';

/** The result of one benchmark run. */
export interface BenchResult {
  manifests: number;
  files: number;
  objects: number;
  errors: number;
  warnings: number;
  exitCode: number;
  /** Wall time of runValidate (reading, parsing, validating, cross-checking, rendering). */
  ms: number;
  /** Manifests per second. */
  perSecond: number;
}

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

/** Generates `n` manifests in a temporary directory and times runValidate over it. */
export async function benchValidate(
  n: number,
  opts: { invalidRatio?: number; format?: 'text' | 'json' | 'junit' | 'github' | 'sarif' } = {},
): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'rolegate-bench-'));
  try {
    await generateManifests(dir, n, opts.invalidRatio ?? 0);
    const start = performance.now();
    const run = await runValidate([dir], { format: opts.format ?? 'text' });
    const ms = performance.now() - start;
    const s = run.report.summary;
    return {
      manifests: n,
      files: s.files,
      objects: s.objects,
      errors: s.errors,
      warnings: s.warnings,
      exitCode: run.exitCode,
      ms: Math.round(ms),
      perSecond: Math.round((n / ms) * 1000),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
