// export → validate → apply → plan: manifests exported from a live tenant validate, change nothing and plan
// with zero drift (issue #4 and #8's round trip).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../harness/cli.js';
import { parseAllDocuments } from 'yaml';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'rolegate-export-'));
  writeFileSync(
    join(dir, 'provider.yaml'),
    `apiVersion: rolegate.io/v1alpha1\nkind: IdentityProvider\nmetadata: { name: tenant }\nspec:\n  entra: { tenantId: ${emulator.tenantId}, graphBaseUrl: "${emulator.url}", credentials: { type: Emulator } }\n`,
  );
});
afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rolegate export', () => {
  it('writes a manifest per role with its current MFA setting, which validates and plans with zero drift', async () => {
    const out = await cli([
      'export',
      'provider.yaml',
      '--output-file',
      'roles.yaml',
      '--namespace',
      'identity',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const docs = parseAllDocuments(readFileSync(join(dir, 'roles.yaml'), 'utf8')).map(
      (d) =>
        d.toJS() as {
          spec: { role?: { id: string }; group?: { access: string }; mfaRequired: boolean };
        },
    );
    // One per directory role, and one per access of the seeded PIM for Groups group (member and owner).
    expect(docs.filter((d) => d.spec.role)).toHaveLength(emulator.roleDefinitions().length);
    expect(docs.filter((d) => d.spec.group).map((d) => d.spec.group?.access)).toEqual([
      'member',
      'owner',
    ]);
    const ga = docs.find((d) => d.spec.role?.id === '62e90394-69f5-4237-9190-012177145e10');
    expect(ga?.spec.mfaRequired).toBe(true);
    expect(docs.filter((d) => !d.spec.mfaRequired).length).toBeGreaterThan(0);

    expect((await cli(['validate', '.', '--strict'])).code).toBe(0);
    const writesBefore = emulator.counts().writes;
    const applied = await cli(['apply', '.']);
    expect(applied.stdout).toMatch(/No changes were needed/);
    expect(emulator.counts().writes).toBe(writesBefore);
    const p = await cli(['plan', '.', '--detailed-exitcode']);
    expect(p.code, p.stdout).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`Plan: 0 to change, ${docs.length} in sync`));
  });

  it('lists the roles without MFA as alerts, saying which are declared', async () => {
    const r = await cli(['alerts', 'provider.yaml', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      rolesWithoutMfa: number;
      alerts: { roleId: string; declared: string[] }[];
    };
    expect(report.rolesWithoutMfa).toBe(report.alerts.length);
    expect(report.alerts.length).toBeGreaterThan(0);
    expect(report.alerts.every((a) => Array.isArray(a.declared))).toBe(true);
  });
});
