// The examples offline, through the built CLI: the Azure RBAC example planned and applied with --emulator (ARM
// served by the in-process emulator), the quickstart's alerts read from PIM (same tenant id, so no 404 and no
// fallback), and an application without the write permission reported as PermissionDenied naming it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli.js';
import { startRolegate } from '../../harness/controller-process.js';
import { eventually } from '../../harness/kube-client.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/emulator/graph/index.js';

const ROOT = process.cwd();
const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';

describe('examples offline with --emulator', () => {
  it('plans and applies the Azure RBAC example: Owner gets MFA through ARM', async () => {
    const plan = await runCli(['plan', 'examples/azure-rbac', '--emulator'], ROOT);
    expect(plan.stderr).not.toMatch(/ECONNREFUSED/);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('require MFA on activation of Owner');
    expect(plan.stdout).toContain('Plan: 1 to change');
    const apply = await runCli(['apply', 'examples/azure-rbac', '--emulator'], ROOT);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Corrected drift');
    expect(apply.stdout).toMatch(
      /platform\/owner-subscription\s+Owner\s+emulator-azure\s+yes\s+yes/,
    );
    expect(apply.stdout).toContain('1 writes');
  });

  it("reads the quickstart's alerts from PIM without a 404 or a fallback", async () => {
    const r = await runCli(['alerts', 'examples/quickstart', '--emulator'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('could not be read');
    expect(r.stdout).toMatch(
      /Privileged Role Administrator\s+e8611ab8-c189-46e8-94e1-60213ab1f814/,
    );
  });
});

describe('an application without the write permission', () => {
  let emulator: GraphEmulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startGraphEmulator({
      clients: [
        {
          clientId: 'reader-app',
          graphRoles: ['RoleManagementPolicy.Read.Directory', 'RoleManagement.Read.Directory'],
          armActions: [],
        },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'rolegate-reader-'));
    writeFileSync(
      join(dir, 'all.yaml'),
      `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  entra:
    tenantId: ${emulator.tenantId}
    graphBaseUrl: "${emulator.url}"
    credentials: { type: Emulator, clientId: reader-app }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }
`,
    );
  });
  afterAll(async () => {
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plans the change; apply fails (exit 1) with the 403 naming RoleManagementPolicy.ReadWrite.Directory', async () => {
    const plan = await runCli(['plan', '.'], dir);
    expect(plan.stdout).toContain('Plan: 1 to change');
    const apply = await runCli(['apply', '.'], dir);
    expect(apply.code).toBe(1);
    expect(apply.stdout).not.toContain('No changes were needed');
    expect(apply.stdout).toContain('Failed 1 change(s)');
    expect(apply.stdout).toContain('403 Authorization_RequestDenied');
    expect(apply.stdout).toContain(
      'the application needs the Microsoft Graph application permission RoleManagementPolicy.ReadWrite.Directory',
    );
    // refused by the service: the role still lacks MFA
    expect(emulator.getRule(PRA, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual([
      'Justification',
    ]);
  });

  it('run --dir reports the role Stalled with reason PermissionDenied naming the permission', async () => {
    const run = startRolegate([
      'run',
      '--dir',
      dir,
      '--http-addr',
      '127.0.0.1:0',
      '--log-format',
      'json',
    ]);
    try {
      await run.waitForLog((l) => l.msg === 'controller started');
      const url = await run.opsUrl();
      const stalled = await eventually(
        async () => {
          const s = (await (await fetch(`${url}/status`)).json()) as {
            roles: {
              key: string;
              status?: {
                conditions?: { type: string; status: string; reason: string; message: string }[];
              };
            }[];
          };
          const c = s.roles
            .find((r) => r.key === 'identity/pra')
            ?.status?.conditions?.find((x) => x.type === 'Stalled' && x.status === 'True');
          if (!c) throw new Error('not stalled yet');
          return c;
        },
        20_000,
        200,
      );
      expect(stalled.reason).toBe('PermissionDenied');
      expect(stalled.message).toContain('RoleManagementPolicy.ReadWrite.Directory');
    } finally {
      await run.stop();
    }
  });
});
