// Issue #8: an authentication context on activation counts as MFA only when an enabled Conditional Access
// policy that targets it requires MFA. The Entra provider against the emulator for every policy state: what the
// snapshot reports, what plan() asks for, what apply writes (the MFA rule, never removing the context), and the
// cost (one Conditional Access listing per snapshot, whatever the number of roles).
// Tests that count the requests of reading PIM policies turn the holder read off (holders.test.ts counts it).
import { describe, expect, it } from 'vitest';
import type { EffectiveSpec } from '../../../../src/api/v1alpha1/types.js';
import type { ConditionalAccessPolicyInput } from '../../../../src/emulator/graph/index.js';
import type { ProviderSnapshot } from '../../../../src/providers/types.js';
import { plan, type Plan } from '../../../../src/reconcile/plan.js';
import {
  authenticationContext,
  type ContextPolicyVerdict,
} from '../../../../src/api/observation.js';
import { emulator, graphFetch, pim, provider } from './fixtures.js';

const PAA = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13'; // seeded with context c1, no MFA rule
const CA_PATH = '/v1.0/identity/conditionalAccess/policies';

const spec: EffectiveSpec = {
  providerRef: 'tenant',
  role: { id: PAA },
  scope: '/',
  mfaRequired: true,
  mechanism: 'Any',
  enforcement: 'Enforce',
  deletionPolicy: 'Orphan',
  holderCoverage: 'Report',
};

const planFor = (snap: ProviderSnapshot): Plan =>
  plan({
    spec,
    problems: [],
    paused: false,
    lookup: snap.resolve({ id: PAA }, '/'),
    options: { allowWeakening: false },
  });

const c1 = (p: Partial<ConditionalAccessPolicyInput>): ConditionalAccessPolicyInput => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  displayName: 'PIM step-up',
  authenticationContexts: ['c1'],
  ...p,
});

describe('Graph emulator: Conditional Access', () => {
  it('serves authentication contexts and policies in the documented shapes, paged', async () => {
    const e = await emulator({ pageSize: 1 });
    e.setConditionalAccessPolicy(c1({ state: 'enabledForReportingButNotEnforced' }));
    const ctx = await graphFetch(
      e,
      'GET',
      '/v1.0/identity/conditionalAccess/authenticationContextClassReferences',
    );
    expect(ctx.status).toBe(200);
    const page1 = ctx.json as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
    expect(page1.value).toEqual([
      expect.objectContaining({ id: 'c1', isAvailable: true, displayName: expect.any(String) }),
    ]);
    expect(page1['@odata.nextLink']).toMatch(/\$skiptoken=/);
    const all: Array<Record<string, unknown>> = [];
    let next: string | undefined = CA_PATH;
    while (next) {
      const r = await graphFetch(e, 'GET', next.replace(e.url, ''));
      expect(r.status).toBe(200);
      const body = r.json as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
      all.push(...body.value);
      next = body['@odata.nextLink'];
    }
    // the seeded policies and this one
    expect(all).toHaveLength(e.conditionalAccessPolicies().length);
    expect(all.length).toBeGreaterThan(1);
    const mine = all.find((p) => p.id === 'a1b2c3d4-0000-4000-8000-000000000001');
    expect(mine).toMatchObject({
      state: 'enabledForReportingButNotEnforced',
      conditions: { applications: { includeAuthenticationContextClassReferences: ['c1'] } },
      grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    });
    expect(e.removeConditionalAccessPolicy('a1b2c3d4-0000-4000-8000-000000000001')).toBe(true);
    expect(
      (await graphFetch(e, 'GET', `${CA_PATH}/a1b2c3d4-0000-4000-8000-000000000001`)).status,
    ).toBe(404);
  });
});

describe('EntraProvider: authentication context and Conditional Access', () => {
  it('an enabled policy requiring MFA satisfies mfaRequired: nothing to write', async () => {
    const e = await emulator();
    e.setConditionalAccessPolicy(c1({ state: 'enabled', builtInControls: ['mfa'] }));
    const p = provider(e);
    const snap = await p.snapshot();
    const r = snap.resolve({ id: PAA }, '/');
    expect(r).toMatchObject({
      kind: 'Found',
      role: { ...pim(false, { claimValue: 'c1', policy: 'RequiresMfa' }) },
    });
    const pl = planFor(snap);
    expect(pl.outcome).toBe('InSync');
    expect(pl.actions).toEqual([]);
    expect(pl.mfa).toMatchObject({
      required: true,
      mechanism: 'AuthenticationContext',
      warnings: [],
    });
    e.resetLog();
    expect(await p.apply(pl.actions)).toEqual([]);
    expect(e.counts().writes).toBe(0);
  });

  it('an authentication strength counts as requiring MFA', async () => {
    const e = await emulator();
    e.setConditionalAccessPolicy(
      c1({
        builtInControls: [],
        authenticationStrength: {
          id: '00000000-0000-0000-0000-000000000002',
          displayName: 'Multifactor authentication',
        },
      }),
    );
    const r = (await provider(e).snapshot()).resolve({ id: PAA }, '/');
    expect(r.kind).toBe('Found');
    if (r.kind === 'Found')
      expect(authenticationContext(r.role)).toMatchObject({ policy: 'RequiresMfa' });
  });

  it.each([
    {
      name: 'disabled',
      set: c1({ state: 'disabled' }),
      verdict: 'Disabled',
      warning: 'its Conditional Access policy is disabled',
    },
    {
      name: 'report-only',
      set: c1({ state: 'enabledForReportingButNotEnforced' }),
      verdict: 'ReportOnly',
      warning: 'its Conditional Access policy is in report-only mode',
    },
    {
      name: 'missing',
      set: undefined,
      verdict: 'Missing',
      warning: 'no Conditional Access policy targets it',
    },
    {
      name: 'no MFA control',
      set: c1({ builtInControls: ['compliantDevice'] }),
      verdict: 'NoMfaControl',
      warning: 'its Conditional Access policy does not require MFA',
    },
    {
      name: 'MFA as one of several OR controls',
      set: c1({ builtInControls: ['mfa', 'compliantDevice'], operator: 'OR' }),
      verdict: 'NoMfaControl',
      warning: 'its Conditional Access policy does not require MFA',
    },
  ])(
    '$name: not satisfied, warns, and plan adds the MFA rule without removing the context',
    async ({ set, verdict, warning }) => {
      const e = await emulator();
      if (set) e.setConditionalAccessPolicy(set);
      const p = provider(e);
      const snap = await p.snapshot();
      const r = snap.resolve({ id: PAA }, '/');
      expect(r).toMatchObject({
        kind: 'Found',
        role: { ...pim(false, { claimValue: 'c1', policy: verdict as ContextPolicyVerdict }) },
      });
      const pl = planFor(snap);
      expect(pl.mfa).toEqual({
        required: false,
        mechanism: 'None',
        warnings: [`Authentication context c1 does not enforce MFA: ${warning}`],
      });
      expect(pl.conditions.find((c) => c.type === 'MFAEnforced')?.message).toContain(warning);
      expect(pl.actions).toEqual([
        expect.objectContaining({ kind: 'SetMfa', enabled: true, roleId: PAA }),
      ]);
      expect(pl.actions.some((a) => a.kind === 'SetAuthenticationContext')).toBe(false);
      const results = await p.apply(pl.actions);
      expect(results.every((x) => x.ok)).toBe(true);
      expect(e.getRule(PAA, 'Enablement_EndUser_Assignment')?.enabledRules).toContain(
        'MultiFactorAuthentication',
      );
      // The context stays: rolegate never removes one.
      expect(e.getRule(PAA, 'AuthenticationContext_EndUser_Assignment')).toMatchObject({
        isEnabled: true,
        claimValue: 'c1',
      });
      const again = planFor(await p.snapshot());
      expect(again.actions).toEqual([]);
      expect(again.mfa).toMatchObject({ required: true, mechanism: 'MultiFactorAuthentication' });
    },
  );

  it('reads the Conditional Access policies once per snapshot, not per role, and not at all without contexts', async () => {
    const e = await emulator({ pageSize: 1 });
    e.setConditionalAccessPolicy(c1({}));
    for (const role of [
      '62e90394-69f5-4237-9190-012177145e10',
      'e8611ab8-c189-46e8-94e1-60213ab1f814',
    ]) {
      e.setAuthenticationContext(role, 'c1');
    }
    const snap = await provider(e, { holders: false }).snapshot();
    const caReads = e.requests().filter((r) => r.path === CA_PATH);
    // One listing: as many pages as there are policies at page size 1.
    expect(caReads).toHaveLength(e.conditionalAccessPolicies().length);
    expect(
      snap.roles().filter((r) => authenticationContext(r)?.policy === 'RequiresMfa'),
    ).toHaveLength(3);

    const plain = await emulator();
    plain.setAuthenticationContext(PAA, null);
    await provider(plain, { holders: false }).snapshot();
    expect(plain.requests().some((r) => r.path === CA_PATH)).toBe(false);
  });

  it('403 on the Conditional Access read: the snapshot still works, the context reads Missing and names Policy.Read.All', async () => {
    const e = await emulator();
    e.setConditionalAccessPolicy(c1({}));
    e.injectFault({ match: { pathIncludes: 'conditionalAccess/policies' }, status: 403 });
    const snap = await provider(e, { holders: false }).snapshot();
    const r = snap.resolve({ id: PAA }, '/');
    expect(r.kind).toBe('Found');
    if (r.kind === 'Found')
      expect(authenticationContext(r.role)).toEqual({ claimValue: 'c1', policy: 'Missing' });
    if (r.kind === 'Found') expect(r.role.detail).toContain('Policy.Read.All');
    // Only roles with a context carry the note.
    const ga = snap.resolve({ id: '62e90394-69f5-4237-9190-012177145e10' }, '/');
    if (ga.kind === 'Found') expect(ga.role.detail ?? '').not.toContain('Policy.Read.All');
    expect(planFor(snap).actions).toEqual([expect.objectContaining({ kind: 'SetMfa' })]);
  });

  it('other failures of the Conditional Access read fail the snapshot (after retries)', async () => {
    const e = await emulator();
    e.injectFault({
      match: { pathIncludes: 'conditionalAccess/policies' },
      status: 503,
      times: 10,
    });
    await expect(provider(e).snapshot()).rejects.toMatchObject({ kind: 'Unavailable' });
  });
});
