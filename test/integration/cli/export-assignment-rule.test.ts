// export → apply → export → plan with PIM's MFA-on-active-assignment rule (mfaOnActiveAssignment): the exported
// manifests carry the rule as the tenant has it, so turning it on through a manifest and exporting again plans with
// zero drift.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli, type CliResult } from '../../harness/cli.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

interface Exported {
  spec: {
    role?: { id: string };
    group?: { id: string; access: string };
    mfaRequired: boolean;
    mfaOnActiveAssignment?: boolean;
  };
}

async function exported(): Promise<Exported[]> {
  const r = await cli(['export', 'provider.yaml', '--output-file', 'out/roles.yaml']);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(readFileSync(join(dir, 'out/roles.yaml'), 'utf8')).map(
    (d) => d.toJS() as Exported,
  );
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'rolegate-export-rule-'));
  mkdirSync(join(dir, 'out'));
  mkdirSync(join(dir, 'want'));
  writeFileSync(join(dir, 'provider.yaml'), emulatorProviderYaml(emulator));
  writeFileSync(join(dir, 'out/provider.yaml'), emulatorProviderYaml(emulator));
  writeFileSync(join(dir, 'want/provider.yaml'), emulatorProviderYaml(emulator));
});
afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('export and the assignment rule', () => {
  it('writes mfaOnActiveAssignment as the tenant has it, and the round trip plans with zero drift', async () => {
    const before = await exported();
    // Directory roles, and the member and owner accesses of the seeded PIM for Groups group (their policies have
    // the same rule).
    expect(before).toHaveLength(emulator.roleDefinitions().length + 2);
    const missing = before.filter((d) => typeof d.spec.mfaOnActiveAssignment !== 'boolean');
    expect(
      missing.map((d) => d.spec.role?.id ?? d.spec.group?.id),
      'Entra directory roles have PIM’s assignment rule: export must write it (the provider reports it as LiveRole.assignmentMfa)',
    ).toEqual([]);
    expect(before.find((d) => d.spec.role?.id === PRA)?.spec.mfaOnActiveAssignment).toBe(false);

    writeFileSync(
      join(dir, 'want/pra.yaml'),
      `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true, mfaOnActiveAssignment: true }
`,
    );
    const a = await cli(['apply', 'want']);
    expect(a.code, a.stdout + a.stderr).toBe(0);

    const after = await exported();
    expect(after.find((d) => d.spec.role?.id === PRA)?.spec).toMatchObject({
      mfaRequired: true,
      mfaOnActiveAssignment: true,
    });
    expect((await cli(['validate', 'out', '--strict'])).code).toBe(0);
    const p = await cli(['plan', 'out', '--detailed-exitcode']);
    expect(p.code, p.stdout).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`Plan: 0 to change, ${after.length} in sync`));
  });
});
