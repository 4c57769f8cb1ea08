// Provider faults as users see them: a throttled or failing Graph shows up as conditions while rolegate retries,
// a forbidden one as Stalled naming the permission, and the role converges once the fault is gone. Real HTTP to
// the emulator, the real controller loop in directory mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EMULATOR_CLIENT_ID,
  DEFAULT_GRAPH_ROLES,
  SEEDED_TIER0_GROUP,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../src/emulator/graph/index.js';
import { directoryRuntime, type DirectoryRuntime } from '../../../src/cli/runtime.js';
import { createLogger } from '../../../src/log.js';
import { eventually } from '../../harness/kube-client.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
let emulator: GraphEmulator;
let dir: string;
let rt: DirectoryRuntime | undefined;

const condition = (
  type: string,
  key = 'identity/pra',
): { status: string; reason: string; message: string } | undefined =>
  rt?.writer
    .report()
    .roles.find((r) => r.key === key)
    ?.status?.conditions?.find((c) => c.type === type);

async function start(
  role = `metadata: { name: pra, namespace: identity }
spec: { providerRef: { name: tenant }, role: { id: ${PRA} }, mfaRequired: true }`,
): Promise<void> {
  writeFileSync(
    join(dir, 'all.yaml'),
    `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  resyncInterval: 1s
  entra: { tenantId: ${emulator.tenantId}, graphBaseUrl: "${emulator.url}", credentials: { type: Emulator } }
---
apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
${role}
`,
  );
  rt = await directoryRuntime({
    paths: [dir],
    watch: false,
    allowWeakening: false,
    workers: 2,
    defaultResyncMs: 1000,
    emulator: false,
    log: createLogger({ level: 'silent', format: 'json', destination: process.stderr }),
  });
  await rt.controller.start();
}

beforeEach(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  emulator.setEnabledRules(PRA, ['Justification']);
  dir = mkdtempSync(join(tmpdir(), 'rolegate-faults-'));
});
afterEach(async () => {
  await rt?.close();
  rt = undefined;
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('provider faults surface as conditions', () => {
  it('throttling: Ready=False Throttled and Reconciling while retrying, then converges without a duplicate write', async () => {
    emulator.injectFault({
      match: { method: 'POST', pathIncludes: '$batch' },
      status: 429,
      retryAfter: '0.2',
      times: 8,
    });
    emulator.injectFault({ match: { method: 'PATCH' }, status: 429, retryAfter: '0.2', times: 8 });
    await start();
    await eventually(
      () => {
        const ready = condition('Ready');
        if (ready?.reason !== 'Throttled') throw new Error(JSON.stringify(ready));
        expect(condition('Reconciling')?.reason).toBe('ProgressingWithRetry');
        expect(condition('Stalled')).toBeUndefined();
      },
      15_000,
      20,
    );
    await eventually(
      () => {
        if (condition('Ready')?.status !== 'True')
          throw new Error(JSON.stringify(condition('Ready')));
      },
      30_000,
      50,
    );
    // Throttled attempts are retried; exactly one write took effect, and the rule holds each value once.
    const rule = emulator.getRule(PRA, 'Enablement_EndUser_Assignment') as unknown as {
      enabledRules: string[];
    };
    expect([...rule.enabledRules].sort()).toEqual(['Justification', 'MultiFactorAuthentication']);
    const applied = emulator
      .requests({ batchItems: true })
      .filter((q) => q.method === 'PATCH' && q.status < 300);
    expect(applied).toHaveLength(1);
  });

  it('unavailable: Ready=False ProviderError while the listing answers 503, then converges', async () => {
    emulator.injectFault({
      match: { pathIncludes: 'roleManagementPolicyAssignments' },
      status: 503,
      times: 12,
    });
    await start();
    await eventually(
      () => {
        if (condition('Ready')?.reason !== 'ProviderError')
          throw new Error(JSON.stringify(condition('Ready')));
        expect(condition('Reconciling')?.status).toBe('True');
      },
      15_000,
      20,
    );
    await eventually(
      () => {
        if (condition('Ready')?.status !== 'True')
          throw new Error(JSON.stringify(condition('Ready')));
      },
      30_000,
      50,
    );
  });

  it('forbidden: Stalled PermissionDenied naming the permission, and nothing written', async () => {
    emulator.injectFault({
      match: { pathIncludes: 'roleManagementPolicyAssignments' },
      status: 403,
      times: 1000,
    });
    await start();
    await eventually(
      () => {
        const stalled = condition('Stalled');
        if (stalled?.reason !== 'PermissionDenied')
          throw new Error(JSON.stringify(rt?.writer.report()));
        expect(stalled.message).toMatch(/RoleManagement(Policy)?\.Read/);
      },
      15_000,
      20,
    );
    expect(emulator.counts().writes).toBe(0);
  });

  it('a PIM for Groups access without RoleManagementPolicy.ReadWrite.AzureADGroup: Stalled PermissionDenied naming it', async () => {
    // The application may write directory role policies and read group policies, not write them.
    emulator.setClient({
      clientId: DEFAULT_EMULATOR_CLIENT_ID,
      graphRoles: [
        ...DEFAULT_GRAPH_ROLES.filter((r) => r !== 'RoleManagementPolicy.ReadWrite.AzureADGroup'),
        'RoleManagementPolicy.Read.AzureADGroup',
      ],
      armActions: [],
    });
    await start(`metadata: { name: tier0, namespace: identity }
spec:
  providerRef: { name: tenant }
  group: { displayName: ${SEEDED_TIER0_GROUP}, access: member }
  mfaRequired: true`);
    await eventually(
      () => {
        const stalled = condition('Stalled', 'identity/tier0');
        if (stalled?.reason !== 'PermissionDenied')
          throw new Error(JSON.stringify(rt?.writer.report()));
        expect(stalled.message).toContain(
          'the application needs the Microsoft Graph application permission RoleManagementPolicy.ReadWrite.AzureADGroup',
        );
      },
      15_000,
      20,
    );
    // The write was tried and refused: nothing of the group policy changed.
    const patches = emulator
      .requests({ batchItems: true })
      .filter((r) => r.method === 'PATCH' && r.path.includes('/roleManagementPolicies/Group_'));
    expect(patches.length).toBeGreaterThan(0);
    expect(patches.every((r) => r.status === 403)).toBe(true);
  });
});
