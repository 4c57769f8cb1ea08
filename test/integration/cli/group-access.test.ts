// A PrivilegedRole for the member access of a PIM for Groups group (spec.group), end to end through the CLI against
// the emulator's default tenant, whose group "Tier0 Security Operators" lets members activate without MFA: plan
// shows the drift, alerts list it, apply fixes it and a second apply writes nothing, and export round trips with
// zero drift.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli, type CliResult } from '../../harness/cli.js';
import {
  SEEDED_TIER0_GROUP,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../src/emulator/graph/index.js';
import { emulatorProviderYaml } from '../../harness/emulator-provider.js';

let emulator: GraphEmulator;
let dir: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, dir);

interface Exported {
  spec: {
    role?: { id: string };
    group?: { id: string; access: string };
    mfaRequired: boolean;
  };
}

beforeAll(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'rolegate-group-access-'));
  for (const d of ['want', 'out']) {
    mkdirSync(join(dir, d));
    writeFileSync(join(dir, d, 'provider.yaml'), emulatorProviderYaml(emulator));
  }
  writeFileSync(
    join(dir, 'want/tier0.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: tier0-members, namespace: identity }
spec:
  providerRef: { name: tenant }
  group: { displayName: ${SEEDED_TIER0_GROUP}, access: member }
  mfaRequired: true
`,
  );
});
afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PIM for Groups access through the CLI', () => {
  it('plans the drift, lists the alert, applies once, and exports a round trip with zero drift', async () => {
    const v = await cli(['validate', 'want', '--strict']);
    expect(v.code, v.stdout + v.stderr).toBe(0);

    const p = await cli(['plan', 'want', '--detailed-exitcode']);
    expect(p.code, p.stdout + p.stderr).toBe(2);
    expect(p.stdout).toContain('mfaRequired: want true, have false');
    expect(p.stdout).toContain(SEEDED_TIER0_GROUP);

    const al = await cli(['alerts', 'want', '-o', 'json']);
    expect(al.code, al.stderr).toBe(0);
    const report = JSON.parse(al.stdout) as {
      alerts: Array<{ roleDisplayName: string; declared: string[]; source: string }>;
    };
    expect(report.alerts.filter((a) => a.roleDisplayName.startsWith(SEEDED_TIER0_GROUP))).toEqual([
      expect.objectContaining({
        roleDisplayName: `${SEEDED_TIER0_GROUP} (member)`,
        declared: ['identity/tier0-members'],
        source: 'snapshot',
      }),
    ]);

    const a = await cli(['apply', 'want']);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const writes = emulator.counts().writes;
    expect(writes, 'the first apply writes the member policy').toBeGreaterThan(0);
    const again = await cli(['apply', 'want']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(emulator.counts().writes, 'a second apply writes nothing').toBe(writes);
    const after = await cli(['plan', 'want', '--detailed-exitcode']);
    expect(after.code, after.stdout).toBe(0);

    const e = await cli(['export', 'want/provider.yaml', '--output-file', 'out/roles.yaml']);
    expect(e.code, e.stderr).toBe(0);
    const docs = parseAllDocuments(readFileSync(join(dir, 'out/roles.yaml'), 'utf8')).map(
      (d) => d.toJS() as Exported,
    );
    const groups = docs.filter((d) => d.spec.group !== undefined);
    expect(groups.map((d) => [d.spec.group?.access, d.spec.mfaRequired]).sort()).toEqual([
      ['member', true],
      ['owner', true],
    ]);
    expect((await cli(['validate', 'out', '--strict'])).code).toBe(0);
    const rt = await cli(['plan', 'out', '--detailed-exitcode']);
    expect(rt.code, rt.stdout).toBe(0);
    expect(rt.stdout).toMatch(new RegExp(`Plan: 0 to change, ${docs.length} in sync`));
  });
});
