// Azure roles through ARM (PIM for Azure resources, api-version 2020-10-01): the emulator's ARM endpoints and
// error shapes, and the Entra provider with spec.entra.azureRbac — snapshot cost per scope, resolve by GUID or
// built-in name, one PATCH per policy with only the changed rule, and a second apply that writes nothing.
import { describe, expect, it } from 'vitest';
import type { EffectiveSpec } from '../../../../src/api/v1alpha1/types.js';
import type { GraphEmulator } from '../../../../src/emulator/graph/index.js';
import { createEntraProvider, type EntraProvider } from '../../../../src/providers/entra/index.js';
import { plan } from '../../../../src/reconcile/plan.js';
import { emulator, graphFetch, pim } from './fixtures.js';

const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const MG = '/providers/Microsoft.Management/managementGroups/contoso-root';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const V = 'api-version=2020-10-01';
const P = `${SUB}/providers/Microsoft.Authorization`;

/** An ARM policy assignment as the emulator lists it (the fields these tests read). */
interface ArmAssignmentJson {
  type: string;
  name: string;
  properties: {
    policyId: string;
    effectiveRules: Array<Record<string, unknown>>;
    policyAssignmentProperties: { roleDefinition: { displayName: string } };
  };
}

function armProvider(
  e: GraphEmulator,
  scopes: string[],
  extra: { directoryRoles?: boolean } = {},
): EntraProvider {
  return createEntraProvider(
    {
      tenantId: e.tenantId,
      graphBaseUrl: e.url,
      credentials: { type: 'Emulator' },
      azureRbac: { scopes, resourceManagerUrl: e.armUrl },
      ...extra,
    },
    // These tests count the requests of reading and writing policies; holders.test.ts reads the holders.
    {
      retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 },
      random: () => 0.5,
      holders: false,
    },
  );
}

const ownerSpec = (ref: EffectiveSpec['role'], scope = SUB): EffectiveSpec => ({
  providerRef: 'tenant',
  role: ref,
  scope,
  mfaRequired: true,
  mechanism: 'Any',
  enforcement: 'Enforce',
  deletionPolicy: 'Orphan',
  holderCoverage: 'Report',
});

describe('Graph emulator: ARM role management policies', () => {
  it('lists policy assignments (paged with nextLink, filtered) and role definitions in ARM shapes', async () => {
    const e = await emulator({ armScopes: [SUB], pageSize: 2 });
    const first = await graphFetch(e, 'GET', `${P}/roleManagementPolicyAssignments?${V}`);
    expect(first.status).toBe(200);
    const page = first.json as { value: ArmAssignmentJson[]; nextLink?: string };
    expect(page.value).toHaveLength(2);
    expect(page.nextLink).toContain(V);
    const a = page.value[0]!;
    expect(a.type).toBe('Microsoft.Authorization/RoleManagementPolicyAssignment');
    expect(a.name).toMatch(/^[0-9a-f-]{36}_[0-9a-f-]{36}$/);
    expect(a.properties.policyId).toMatch(
      new RegExp(`^${P}/roleManagementPolicies/[0-9a-f-]{36}$`),
    );
    expect(a.properties.effectiveRules[0]).toHaveProperty('ruleType');
    expect(a.properties.effectiveRules[0]).not.toHaveProperty('@odata.type');
    const filtered = await graphFetch(
      e,
      'GET',
      `${P}/roleManagementPolicyAssignments?${V}&$filter=${encodeURIComponent(`roleDefinitionId eq '${P}/roleDefinitions/${OWNER}'`)}`,
    );
    const owner = (filtered.json as { value: ArmAssignmentJson[] }).value;
    expect(owner).toHaveLength(1);
    expect(owner[0]!.properties.policyAssignmentProperties.roleDefinition.displayName).toBe(
      'Owner',
    );
    const defs = await graphFetch(e, 'GET', `${P}/roleDefinitions?${V}`);
    expect(
      (defs.json as { value: Array<{ properties: { roleName: string } }> }).value.map(
        (d) => d.properties.roleName,
      ),
    ).toEqual(['Owner', 'Contributor']);
  });

  it('PATCH changes only the rules sent and answers 200 with the whole policy; PUT and bad bodies fail as ARM does', async () => {
    const e = await emulator({ armScopes: [SUB] });
    const list = await graphFetch(
      e,
      'GET',
      `${P}/roleManagementPolicyAssignments?${V}&$filter=${encodeURIComponent(`roleDefinitionId eq '${P}/roleDefinitions/${OWNER}'`)}`,
    );
    const policyId = (list.json as { value: Array<{ properties: { policyId: string } }> }).value[0]!
      .properties.policyId;
    const ok = await graphFetch(e, 'PATCH', `${policyId}?${V}`, {
      properties: {
        rules: [
          {
            id: 'Enablement_EndUser_Assignment',
            ruleType: 'RoleManagementPolicyEnablementRule',
            enabledRules: ['Justification', 'MultiFactorAuthentication'],
            target: { caller: 'EndUser', operations: ['All'], level: 'Assignment' },
          },
        ],
      },
    });
    expect(ok.status).toBe(200);
    const body = ok.json as {
      id: string;
      properties: { rules: Array<{ id: string; enabledRules?: string[] }> };
    };
    expect(body.id).toBe(policyId);
    expect(body.properties.rules).toHaveLength(17);
    expect(
      body.properties.rules.find((r) => r.id === 'Enablement_EndUser_Assignment')?.enabledRules,
    ).toEqual(['Justification', 'MultiFactorAuthentication']);

    const put = await graphFetch(e, 'PUT', `${policyId}?${V}`, { properties: { rules: [] } });
    expect(put.status).toBe(400);
    expect(put.json).toEqual({
      error: { code: 'BadRequest', message: 'Not implemented exception' },
    });
    const dur = await graphFetch(e, 'PATCH', `${policyId}?${V}`, {
      properties: {
        rules: [
          {
            id: 'Expiration_Admin_Eligibility',
            ruleType: 'RoleManagementPolicyExpirationRule',
            isExpirationRequired: false,
            maximumDuration: 'P90D',
          },
        ],
      },
    });
    expect(dur.status).toBe(400);
    expect((dur.json as { error: { code: string } }).error.code).toBe(
      'RoleAssignmentRequestPolicyValidationFailed',
    );
    expect(dur.json).not.toHaveProperty('error.innerError');
    const missing = await graphFetch(
      e,
      'GET',
      `${P}/roleManagementPolicies/00000000-0000-4000-8000-000000000000?${V}`,
    );
    expect(missing.status).toBe(404);
    expect((missing.json as { error: { code: string } }).error.code).toBe('InputPolicyNotFound');
    const noVersion = await graphFetch(e, 'GET', `${P}/roleDefinitions`);
    expect(noVersion.status).toBe(400);
    expect((noVersion.json as { error: { code: string } }).error.code).toBe(
      'MissingApiVersionParameter',
    );
    const oldVersion = await graphFetch(
      e,
      'GET',
      `${P}/roleDefinitions?api-version=2018-01-01-preview`,
    );
    expect((oldVersion.json as { error: { code: string } }).error.code).toBe(
      'InvalidApiVersionParameter',
    );
    const unauth = await fetch(`${e.armUrl}${P}/roleDefinitions?${V}`);
    expect(unauth.status).toBe(401);
    expect(((await unauth.json()) as { error: { code: string } }).error.code).toBe(
      'AuthenticationFailed',
    );
  });
});

describe('EntraProvider with azureRbac', () => {
  it('snapshot reads each scope in pages, never per role, and resolves Azure roles by GUID or name', async () => {
    const e = await emulator({ armScopes: [SUB, MG], pageSize: 2 });
    const p = armProvider(e, [SUB, MG]);
    const snap = await p.snapshot();
    const armReqs = e
      .requests()
      .filter((r) => !r.path.startsWith('/v1.0') && !r.path.startsWith('/beta'));
    // Per scope: ceil(5 assignments / 2) + ceil(5 definitions / 2) pages.
    expect(armReqs).toHaveLength(2 * (3 + 3));
    expect(armReqs.every((r) => r.query.includes(V) && r.method === 'GET')).toBe(true);
    const owner = snap.resolve({ displayName: 'Owner' }, SUB);
    expect(owner).toMatchObject({
      kind: 'Found',
      role: {
        roleId: OWNER,
        roleDisplayName: 'Owner',
        scope: SUB,
        ...pim(false),
        settings: ['Justification'],
      },
    });
    if (owner.kind === 'Found')
      expect(owner.role.handle).toMatch(new RegExp(`^${P}/roleManagementPolicies/[0-9a-f-]{36}$`));
    expect(snap.resolve({ id: CONTRIBUTOR.toUpperCase() }, MG)).toMatchObject({
      kind: 'Found',
      role: { scope: MG, ...pim(true) },
    });
    expect(snap.resolve({ id: `${P}/roleDefinitions/${OWNER}` }, SUB)).toMatchObject({
      kind: 'Found',
    });
    expect(snap.resolve({ displayName: 'owner' }, SUB)).toMatchObject({
      kind: 'NotFound',
      message: expect.stringContaining("did you mean 'Owner'"),
    });
    const unknown = snap.resolve(
      { displayName: 'Owner' },
      '/subscriptions/11111111-2222-3333-4444-555555555555',
    );
    expect(unknown.kind).toBe('NotFound');
    if (unknown.kind === 'NotFound') {
      expect(unknown.message).toContain(SUB);
      expect(unknown.message).toContain(MG);
    }
    // Directory roles are unchanged.
    expect(snap.resolve({ displayName: 'Global Administrator' }, '/')).toMatchObject({
      kind: 'Found',
      role: { scope: '/' },
    });
    expect(snap.roles().filter((r) => r.scope !== '/')).toHaveLength(10);
  });

  it('plan/apply of Owner at a subscription enables MFA with one PATCH (no PUT); the second apply writes nothing', async () => {
    const e = await emulator({ armScopes: [SUB] });
    const p = armProvider(e, [SUB], { directoryRoles: false });
    const snap = await p.snapshot();
    // directoryRoles: false skips the Graph listings entirely.
    expect(e.requests().some((r) => r.path.startsWith('/v1.0'))).toBe(false);
    expect(snap.resolve({ displayName: 'Global Administrator' }, '/')).toMatchObject({
      kind: 'NotFound',
      message: expect.stringContaining('directoryRoles is false'),
    });
    const pl = plan({
      spec: ownerSpec({ displayName: 'Owner' }),
      problems: [],
      paused: false,
      lookup: snap.resolve({ displayName: 'Owner' }, SUB),
      options: { allowWeakening: false },
    });
    expect(pl.actions).toEqual([
      expect.objectContaining({ kind: 'SetMfa', enabled: true, scope: SUB, roleId: OWNER }),
    ]);
    e.resetLog();
    const results = await p.apply(pl.actions);
    expect(results[0]).toMatchObject({
      ok: true,
      role: {
        ...pim(true),
        scope: SUB,
        settings: ['Justification', 'MultiFactorAuthentication'],
      },
    });
    const log = e.requests();
    expect(log.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(log.some((r) => r.method === 'PUT')).toBe(false);
    expect(e.getArmRule(SUB, OWNER, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual([
      'Justification',
      'MultiFactorAuthentication',
    ]);
    // Other rules untouched.
    expect(e.getArmRule(SUB, OWNER, 'Expiration_EndUser_Assignment')).toMatchObject({
      isExpirationRequired: true,
      maximumDuration: 'PT8H',
    });

    const again = await p.snapshot();
    const pl2 = plan({
      spec: ownerSpec({ id: OWNER }),
      problems: [],
      paused: false,
      lookup: again.resolve({ id: OWNER }, SUB),
      options: { allowWeakening: false },
    });
    expect(pl2.actions).toEqual([]);
    e.resetLog();
    expect(await p.apply(pl2.actions)).toEqual([]);
    expect(e.counts().writes).toBe(0);

    // The first plan's action again, against a policy that has it already (as after a stale snapshot): the
    // policy is read, nothing is written, and the result says so.
    e.resetLog();
    const [repeat] = await p.apply(pl.actions);
    expect(repeat).toMatchObject({ ok: true, unchanged: true });
    expect(e.requests().map((r) => r.method)).toEqual(['GET']);
  });

  it('keeps a Justification an administrator added since the snapshot (reads the policy before the PATCH)', async () => {
    const e = await emulator({ armScopes: [SUB] });
    const p = armProvider(e, [SUB]);
    const snap = await p.snapshot();
    const owner = snap.resolve({ id: OWNER }, SUB);
    if (owner.kind !== 'Found') throw new Error('no owner');
    e.setArmEnabledRules(SUB, OWNER, ['Justification', 'Ticketing']);
    const pl = plan({
      spec: ownerSpec({ id: OWNER }),
      problems: [],
      paused: false,
      lookup: owner,
      options: { allowWeakening: false },
    });
    const [r] = await p.apply(pl.actions);
    expect(r).toMatchObject({
      ok: true,
      role: { settings: ['Justification', 'MultiFactorAuthentication', 'Ticketing'] },
    });
  });

  it('classifies ARM errors: 403 names the Azure permission, a retried 429 succeeds', async () => {
    const e = await emulator({ armScopes: [SUB] });
    const p = armProvider(e, [SUB]);
    e.injectFault({
      match: { pathIncludes: 'Microsoft.Authorization/roleManagementPolicyAssignments' },
      status: 403,
    });
    await expect(p.snapshot()).rejects.toMatchObject({
      kind: 'PermissionDenied',
      message: expect.stringContaining('Microsoft.Authorization/roleManagementPolicies/read'),
    });
    e.injectFault({
      match: { pathIncludes: 'Microsoft.Authorization/roleDefinitions' },
      status: 429,
      retryAfter: '0.01',
    });
    expect((await p.snapshot()).roles().length).toBeGreaterThan(5);
    expect(p.stats().retries).toBe(1);
  });

  it('refuses Emulator credentials with a non-loopback resourceManagerUrl', async () => {
    const e = await emulator();
    expect(() =>
      createEntraProvider({
        tenantId: e.tenantId,
        graphBaseUrl: e.url,
        credentials: { type: 'Emulator' },
        azureRbac: { scopes: [SUB] },
      }),
    ).toThrow(/loopback azureRbac.resourceManagerUrl/);
  });
});
