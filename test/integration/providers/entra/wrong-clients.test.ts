// Deliberately wrong clients fail against the emulator as they would against Entra: a token for ARM sent to
// Graph, an application without the write permission, an alert read at the wrong scope, a rule picked by its
// position. And rolegate's own error mapping (PermissionDenied naming the missing permission) is checked
// against the emulator's documented 401/403 answers, not against an injected fault.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../../../src/emulator/graph/index.js';
import {
  createEntraProvider,
  EmulatorCredential,
  GraphClient,
  type EntraProvider,
} from '../../../../src/providers/entra/index.js';
import { ProviderError } from '../../../../src/providers/types.js';
import { emulator, requireMfa } from './fixtures.js';

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const SUB = '/subscriptions/6b1f3e2a-9c4d-4e7f-8a2b-3c5d7e9f1a2b';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER = 'reader-app';
const FAST = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }, random: () => 0.5 };

/** An emulator with an application that may read role settings and alerts but change nothing. */
function withReader(): Promise<GraphEmulator> {
  return emulator({
    clients: [
      {
        clientId: READER,
        graphRoles: [
          'RoleManagementPolicy.Read.Directory',
          'RoleManagement.Read.Directory',
          'RoleManagementAlert.Read.Directory',
          'Policy.Read.All',
        ],
        armActions: ['Microsoft.Authorization/*/read'],
      },
    ],
  });
}

/** A provider signing in to the emulator as `clientId` (Emulator credentials name the application). */
function providerAs(e: GraphEmulator, clientId?: string, arm = false): EntraProvider {
  return createEntraProvider(
    {
      tenantId: e.tenantId,
      graphBaseUrl: e.url,
      credentials: { type: 'Emulator', ...(clientId ? { clientId } : {}) },
      ...(arm ? { azureRbac: { scopes: [SUB], resourceManagerUrl: e.armUrl } } : {}),
    },
    FAST,
  );
}

/** The error a promise rejects with, checked to be a ProviderError. */
const failure = (p: Promise<unknown>): Promise<ProviderError> =>
  p.then(
    () => Promise.reject(new Error('expected a ProviderError, got success')),
    (x: unknown) => (x instanceof ProviderError ? x : Promise.reject(x as Error)),
  );

/** A credential that asks for an ARM token whatever scope it is asked for: the wrong-audience client. */
class ArmScopedCredential implements TokenCredential {
  private readonly inner: EmulatorCredential;

  constructor(private readonly e: GraphEmulator) {
    this.inner = new EmulatorCredential(e.url, e.tenantId);
  }

  getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.inner.getToken('https://management.azure.com/.default', options);
  }
}

describe('wrong clients against the emulator', () => {
  it('an ARM token sent to Graph: 401 for its audience, PermissionDenied without a permission to blame', async () => {
    const e = await emulator();
    const p = createEntraProvider(
      { tenantId: e.tenantId, graphBaseUrl: e.url, credentials: { type: 'Emulator' } },
      { ...FAST, credential: new ArmScopedCredential(e) },
    );
    const err = await failure(p.snapshot());
    expect(err.kind).toBe('PermissionDenied');
    expect(err.options.status).toBe(401);
    expect(err.message).toContain('InvalidAuthenticationToken');
    expect(err.message).toContain('issued for another API');
    // refused at the door: nothing was served
    expect(e.requests().every((r) => r.status === 401)).toBe(true);
  });

  it('a Graph token sent to ARM: 401 InvalidAuthenticationTokenAudience', async () => {
    const e = await emulator();
    const graphOnly: TokenCredential = {
      getToken: () => new EmulatorCredential(e.url, e.tenantId).getToken(`${e.url}/.default`),
    };
    const p = createEntraProvider(
      {
        tenantId: e.tenantId,
        graphBaseUrl: e.url,
        credentials: { type: 'Emulator' },
        directoryRoles: false,
        azureRbac: { scopes: [SUB], resourceManagerUrl: e.armUrl },
      },
      { ...FAST, credential: graphOnly },
    );
    const err = await failure(p.snapshot());
    expect(err).toMatchObject({
      kind: 'PermissionDenied',
      options: { status: 401, code: 'InvalidAuthenticationTokenAudience' },
    });
    expect(err.message).toContain('issued for another API');
  });

  it('an application without RoleManagementPolicy.ReadWrite.Directory reads, then gets PermissionDenied naming it on write', async () => {
    const e = await withReader();
    const p = providerAs(e, READER);
    const snap = await p.snapshot();
    const pra = snap.resolve({ id: PRA }, '/');
    if (pra.kind !== 'Found') throw new Error('Privileged Role Administrator not found');
    const [result] = await p.apply([requireMfa(pra.role)]);
    expect(result?.ok).toBe(false);
    const err = (result as { ok: false; error: ProviderError }).error;
    expect(err.kind).toBe('PermissionDenied');
    expect(err.options).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.message).toContain('RoleManagementPolicy.ReadWrite.Directory');
    // the write was refused by the service, not performed
    expect(e.getRule(PRA, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual([
      'Justification',
    ]);
    expect(
      e
        .requests({ batchItems: true })
        .filter((r) => r.method === 'PATCH')
        .map((r) => r.status),
    ).toEqual([403]);
  });

  it('the same application with the permission granted over the control API writes, after a new token', async () => {
    const e = await withReader();
    e.setClient({
      clientId: READER,
      graphRoles: ['RoleManagementPolicy.ReadWrite.Directory', 'RoleManagement.Read.Directory'],
      armActions: [],
    });
    // a new provider: a new token carries the new roles (Graph reads permissions from the token)
    const p = providerAs(e, READER);
    const pra = (await p.snapshot()).resolve({ id: PRA }, '/');
    if (pra.kind !== 'Found') throw new Error('Privileged Role Administrator not found');
    const [result] = await p.apply([requireMfa(pra.role)]);
    expect(result?.ok).toBe(true);
  });

  it('an application without roleManagementPolicies/write at the subscription: ARM 403 names the action', async () => {
    const e = await withReader();
    const p = providerAs(e, READER, true);
    const owner = (await p.snapshot()).resolve({ id: OWNER }, SUB);
    if (owner.kind !== 'Found') throw new Error('Owner not found');
    const [result] = await p.apply([requireMfa(owner.role)]);
    const err = (result as { ok: false; error: ProviderError }).error;
    expect(err).toMatchObject({
      kind: 'PermissionDenied',
      options: { status: 403, code: 'AuthorizationFailed' },
    });
    expect(err.message).toContain('Microsoft.Authorization/roleManagementPolicies/write');
  });

  it('alerts with read but not write permission: the refresh is refused (403) and the last scan is read', async () => {
    const e = await withReader();
    const alerts = await providerAs(e, READER).alerts();
    expect(alerts.map((a) => a.roleId)).toContain(PRA);
    const log = e
      .requests()
      .map((r) => `${r.method} ${r.path.replace(/.*roleManagementAlerts/, '')} ${r.status}`);
    expect(log[0]).toBe('POST /alerts/refresh 403');
    expect(log.slice(1).every((l) => l.endsWith(' 200'))).toBe(true);
  });

  it('alerts without any alert permission: PermissionDenied names RoleManagementAlert.Read.Directory', async () => {
    const e = await emulator({
      clients: [
        {
          clientId: 'policies-only',
          graphRoles: ['RoleManagementPolicy.ReadWrite.Directory'],
          armActions: [],
        },
      ],
    });
    const err = await failure(providerAs(e, 'policies-only').alerts());
    expect(err).toMatchObject({ kind: 'PermissionDenied', options: { status: 403 } });
    expect(err.message).toContain('RoleManagementAlert.Read.Directory');
  });

  it.each([
    { reason: 'a group scope', scopeType: 'Group', scopeId: '/' },
    {
      reason: 'the Directory scope, which alerts do not have',
      scopeType: 'Directory',
      scopeId: '/',
    },
    {
      reason: 'a scope id other than the tenant',
      scopeType: 'DirectoryRole',
      scopeId: '/administrativeUnits/x',
    },
  ])(
    'a mis-scoped alert read ($reason) is Invalid (400), never "no alert"',
    async ({ scopeType, scopeId }) => {
      const e = await emulator();
      const c = new GraphClient({
        baseUrl: e.url,
        credential: new EmulatorCredential(e.url, e.tenantId),
      });
      const filter = encodeURIComponent(`scopeId eq '${scopeId}' and scopeType eq '${scopeType}'`);
      const err = await failure(
        c.list(`${e.url}/beta/identityGovernance/roleManagementAlerts/alerts?$filter=${filter}`),
      );
      expect(err).toMatchObject({ kind: 'Invalid', options: { status: 400 } });
      const refresh = await failure(
        c.request('POST', `${e.url}/beta/identityGovernance/roleManagementAlerts/alerts/refresh`, {
          body: { scopeId, scopeType },
        }),
      );
      expect(refresh).toMatchObject({ kind: 'Invalid', options: { status: 400 } });
    },
  );

  it('a rule picked by its position in the docs is usually the wrong rule; rolegate, which finds rules by id, reads every role right', async () => {
    const e = await emulator();
    const c = new GraphClient({
      baseUrl: e.url,
      credential: new EmulatorCredential(e.url, e.tenantId),
    });
    const filter = encodeURIComponent("scopeId eq '/' and scopeType eq 'DirectoryRole'");
    const assignments = await c.list<{
      roleDefinitionId: string;
      policy: { rules: Array<{ id: string }> };
    }>(`/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`);
    // Enablement_EndUser_Assignment is the 12th rule in the docs' listing
    const byIndex = assignments.filter(
      (a) => a.policy.rules[11]?.id === 'Enablement_EndUser_Assignment',
    );
    expect(assignments.length).toBe(31);
    expect(byIndex.length).toBeLessThan(assignments.length / 4);
    // the same listing twice gives the same order: the shuffle is seeded, not random
    const again = await c.list<{ policy: { rules: Array<{ id: string }> } }>(
      `/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`,
    );
    expect(again.map((a) => a.policy.rules.map((r) => r.id))).toEqual(
      assignments.map((a) => a.policy.rules.map((r) => r.id)),
    );
    const snap = await providerAs(e).snapshot();
    for (const a of assignments) {
      const r = snap.resolve({ id: a.roleDefinitionId }, '/');
      if (r.kind !== 'Found') throw new Error(`${a.roleDefinitionId} not found`);
      const stored = e.getRule(a.roleDefinitionId, 'Enablement_EndUser_Assignment')
        ?.enabledRules as string[];
      expect(r.role.settings).toEqual([...stored].sort());
    }
  });
});
