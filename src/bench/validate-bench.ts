// Generates N PrivilegedRole manifests (plus one IdentityProvider) into a temporary directory and times
// `rolegate validate` over them, in process. Run after `npm run build` with `node bench/validate.mjs [N]`.
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
  const hex = i.toString(16).padStart(12, '0');
  return `62e90394-69f5-4237-9190-${hex}`;
}

/**
 * Writes `n` role manifests (one per file, in 100 directories, like a large git repository) and one provider,
 * then times runValidate over the directory. `format` picks the report format to render.
 */
export async function benchValidate(
  n: number,
  format: 'text' | 'json' | 'sarif' = 'text',
): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'rolegate-bench-'));
  try {
    await writeFile(
      join(dir, 'provider.yaml'),
      `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata:
  name: emulator
spec:
  entra:
    tenantId: 00000000-0000-0000-0000-0000000000e1
    graphBaseUrl: http://127.0.0.1:8943
    credentials:
      type: Emulator
`,
    );
    const writes: Promise<void>[] = [];
    for (let d = 0; d < Math.min(100, n); d++) await mkdir(join(dir, `team-${d}`));
    for (let i = 0; i < n; i++) {
      const text = `# Role ${i}
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata:
  name: role-${i}
  namespace: identity
  labels:
    rolegate.io/tier: "${i % 3}"
spec:
  providerRef:
    name: emulator
  role:
    id: ${guid(i)}
  scope: /
  mfaRequired: true
  enforcement: ${i % 2 === 0 ? 'Enforce' : 'Audit'}
`;
      writes.push(writeFile(join(dir, `team-${i % 100}`, `role-${i}.yaml`), text));
      if (writes.length >= 256) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const start = performance.now();
    const run = await runValidate([dir], { format });
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
