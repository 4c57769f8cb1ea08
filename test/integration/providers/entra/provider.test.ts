// The Entra provider against the Graph emulator over real HTTP: what a snapshot and an apply cost in requests
// (asserted from the emulator's own log), that writes keep the other enabled rules, and that a converged
// tenant is not written to.
// Tests that count the requests of reading PIM policies turn the holder read off (holders.test.ts counts it).
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/types.js';
import type { Action, SetAuthenticationContextAction } from '../../../../src/reconcile/action.js';
import { plan } from '../../../../src/reconcile/plan.js';
import type { EffectiveSpec } from '../../../../src/api/v1alpha1/types.js';
import type { ProviderSnapshot } from '../../../../src/providers/types.js';
import { switchEnabled, type LiveRole } from '../../../../src/api/observation.js';
import { emulator, pim, provider, requireMfa } from './fixtures.js';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const PRIV_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';

describe('EntraProvider.snapshot', () => {
  it.each([25, 7, 1])(
    'reads the seeded tenant in ceil(defs/%i) + ceil(assignments/page) requests',
    async (pageSize) => {
      // A server whose largest page is pageSize: the client's $top=999 is capped, so paging is exercised.
      const e = await emulator({ pageSize, maxPageSize: pageSize });
      const p = provider(e, { holders: false });
      const snap = await p.snapshot();
      const defs = e.roleDefinitions().length;
      const assignments = e.exportState().assignments.length;
      // The seeded Privileged Authentication Administrator has an authentication context, so the Conditional
      // Access policies are listed once too (one listing, whatever the number of roles).
      const ca = Math.ceil(e.conditionalAccessPolicies().length / pageSize);
      const expected = Math.ceil(defs / pageSize) + Math.ceil(assignments / pageSize) + ca;
      expect(e.counts()).toMatchObject({ requests: expected, reads: expected, writes: 0 });
      expect(p.stats()).toMatchObject({ requests: expected, writes: 0, retries: 0 });
      expect(snap.roles()).toHaveLength(assignments);
      // Nothing is read per role: every request is one of the two listings.
      expect(new Set(e.requests().map((r) => r.path))).toEqual(
        new Set([
          '/v1.0/roleManagement/directory/roleDefinitions',
          '/v1.0/policies/roleManagementPolicyAssignments',
          '/v1.0/identity/conditionalAccess/policies',
        ]),
      );
      console.log(`snapshot of ${defs} roles at page size ${pageSize}: ${expected} requests`);
    },
  );

  it('maps the seeded drift: Global Administrator has MFA, Privileged Role Administrator does not', async () => {
    const e = await emulator();
    const snap = await provider(e).snapshot();
    const ga = snap.resolve({ id: GLOBAL_ADMIN.toUpperCase() }, '/');
    expect(ga).toMatchObject({
      kind: 'Found',
      role: {
        roleId: GLOBAL_ADMIN,
        roleDisplayName: 'Global Administrator',
        ...pim(true),
        settings: ['Justification', 'MultiFactorAuthentication', 'Ticketing'],
      },
    });
    const pra = snap.resolve({ displayName: 'Privileged Role Administrator' }, '/');
    expect(pra).toMatchObject({
      kind: 'Found',
      role: { roleId: PRIV_ROLE_ADMIN, ...pim(false), settings: ['Justification'] },
    });
    if (pra.kind === 'Found') expect(pra.role.handle).toBe(e.getPolicy(PRIV_ROLE_ADMIN)?.id);
    const paa = snap.resolve({ displayName: 'Privileged Authentication Administrator' }, '/');
    expect(paa).toMatchObject({
      kind: 'Found',
      role: {
        ...pim(false, { claimValue: 'c1', policy: 'Missing' }),
        settings: ['Justification'],
      },
    });
    // About a third of the 29 privileged roles (and Directory Readers) lack MFA on activation.
    const lacking = snap.roles().filter((r) => r.scope === '/' && !switchEnabled(r)).length;
    expect(lacking).toBe(11);
    // Beside them, the seeded group's member access (PIM for Groups) lacks it too; its owner access has it.
    const groups = snap.roles().filter((r) => r.scope.startsWith('/groups/'));
    expect(groups.map((r) => [r.scope.split('/')[3], switchEnabled(r)]).sort()).toEqual([
      ['member', false],
      ['owner', true],
    ]);
  });

  it('resolves misses, wrong case and other scopes with clear messages', async () => {
    const e = await emulator();
    const snap = await provider(e).snapshot();
    expect(snap.resolve({ displayName: 'global administrator' }, '/')).toEqual({
      kind: 'NotFound',
      message:
        "no Entra directory role is named 'global administrator' (display names are case-sensitive; did you mean 'Global Administrator'?)",
    });
    expect(snap.resolve({ id: '00000000-0000-4000-8000-000000000000' }, '/')).toMatchObject({
      kind: 'NotFound',
    });
    const rbac = snap.resolve({ id: GLOBAL_ADMIN }, '/subscriptions/1234');
    expect(rbac.kind).toBe('NotFound');
    if (rbac.kind === 'NotFound')
      expect(rbac.message).toContain('Azure RBAC scopes are not supported by this provider yet');
  });

  it('sees an out-of-band change in the next snapshot', async () => {
    const e = await emulator();
    const p = provider(e);
    const before = await p.snapshot();
    expect(before.resolve({ id: GLOBAL_ADMIN }, '/')).toMatchObject({ role: { ...pim(true) } });
    e.setEnabledRules(GLOBAL_ADMIN, ['Justification']);
    const after = await p.snapshot();
    expect(after.resolve({ id: GLOBAL_ADMIN }, '/')).toMatchObject({
      role: { ...pim(false), settings: ['Justification'] },
    });
  });
});

describe('EntraProvider.apply', () => {
  it('fixes K drifted roles with ceil(K/20) batched reads, writes and verifications, then writes nothing', async () => {
    for (const roles of [30, 90]) {
      const e = await emulator({ seed: { roles }, pageSize: 100 });
      const p = provider(e);
      const drifted = (await p.snapshot()).roles().filter((r) => !switchEnabled(r));
      const k = drifted.length;
      expect(k).toBe(Math.ceil(roles / 2));
      e.resetLog();
      const results = await p.apply(drifted.map(requireMfa));
      expect(results.map((r) => r.ok)).toEqual(drifted.map(() => true));
      for (const r of results) {
        if (r.ok)
          expect(r.role).toMatchObject({
            ...pim(true),
            settings: ['Justification', 'MultiFactorAuthentication'],
          });
      }
      const batches = Math.ceil(k / 20);
      const c = e.counts();
      // One pre-read round, one write round and one verification round, each ceil(K/20) $batch POSTs.
      expect(c).toMatchObject({
        requests: 3 * batches,
        batches: 3 * batches,
        writes: k,
        reads: 2 * k,
      });
      console.log(
        `apply of K=${k}: ${batches} write batch(es), ${c.requests} requests in all (${c.reads} reads, ${c.writes} writes)`,
      );

      e.resetLog();
      const again = await p.apply(drifted.map(requireMfa));
      expect(again.every((r) => r.ok && switchEnabled(r.role))).toBe(true);
      expect(e.counts()).toMatchObject({ writes: 0 });
      const snap = await p.snapshot();
      expect(snap.roles().every((r) => switchEnabled(r))).toBe(true);
    }
  });

  it('sends a single PATCH for a single action and keeps Justification and Ticketing', async () => {
    const e = await emulator();
    const p = provider(e);
    const snap = await p.snapshot();
    const sec = snap.resolve({ id: SECURITY_ADMIN }, '/');
    if (sec.kind !== 'Found') throw new Error('Security Administrator not found');
    e.resetLog();
    const [r] = await p.apply([requireMfa(sec.role)]);
    expect(r).toMatchObject({
      ok: true,
      role: {
        ...pim(true),
        settings: ['Justification', 'MultiFactorAuthentication', 'Ticketing'],
      },
    });
    expect(e.requests().map((x) => x.method)).toEqual(['GET', 'PATCH', 'GET']);
    expect(e.getRule(SECURITY_ADMIN, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual([
      'Justification',
      'MultiFactorAuthentication',
      'Ticketing',
    ]);
  });

  it('computes the write from the freshest rules, not from a stale snapshot', async () => {
    const e = await emulator();
    const p = provider(e);
    const snap = await p.snapshot();
    const pra = snap.resolve({ id: PRIV_ROLE_ADMIN }, '/');
    if (pra.kind !== 'Found') throw new Error('not found');
    // An administrator adds Ticketing after the snapshot was taken; the write must not drop it.
    e.setEnabledRules(PRIV_ROLE_ADMIN, ['Justification', 'Ticketing']);
    const [r] = await p.apply([requireMfa(pra.role)]);
    expect(r).toMatchObject({
      ok: true,
      role: { settings: ['Justification', 'MultiFactorAuthentication', 'Ticketing'] },
    });
  });

  it('sets an authentication context and MFA on one role in the same apply', async () => {
    const e = await emulator();
    const p = provider(e);
    const snap = await p.snapshot();
    const pra = snap.resolve({ id: PRIV_ROLE_ADMIN }, '/');
    if (pra.kind !== 'Found') throw new Error('not found');
    const ctx: SetAuthenticationContextAction = {
      kind: 'SetAuthenticationContext',
      roleId: pra.role.roleId,
      roleDisplayName: pra.role.roleDisplayName,
      handle: pra.role.handle,
      scope: '/',
      claimValue: 'c7',
      before: 'none',
      after: 'c7',
    };
    const results = await p.apply([ctx, requireMfa(pra.role)]);
    expect(results.every((r) => r.ok)).toBe(true);
    const last = results[1];
    expect(last).toMatchObject({
      ok: true,
      role: { ...pim(true, { claimValue: 'c7', policy: 'Missing' }) },
    });
    expect(e.getRule(PRIV_ROLE_ADMIN, 'AuthenticationContext_EndUser_Assignment')).toMatchObject({
      isEnabled: true,
      claimValue: 'c7',
    });
  });

  it('reports a refused write per action without failing the others', async () => {
    const e = await emulator();
    const p = provider(e);
    const drifted = (await p.snapshot()).roles().filter((r) => !switchEnabled(r));
    const victim = drifted[0]!;
    e.injectFault({
      match: { method: 'PATCH', pathIncludes: victim.handle },
      status: 403,
      times: 1,
    });
    const results = await p.apply(drifted.map(requireMfa));
    const bad = results.filter((r) => !r.ok);
    expect(bad).toHaveLength(1);
    const err = bad[0]!.ok ? undefined : bad[0]!.error;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err?.kind).toBe('PermissionDenied');
    expect(err?.message).toContain('RoleManagementPolicy.ReadWrite.Directory');
    expect(results.filter((r) => r.ok)).toHaveLength(drifted.length - 1);
  });

  it('retries throttled batch items only, honouring their Retry-After', async () => {
    const e = await emulator();
    const p = provider(e);
    const drifted = (await p.snapshot()).roles().filter((r) => !switchEnabled(r));
    e.injectFault({
      match: { method: 'PATCH', scope: 'batchItem' },
      status: 429,
      retryAfter: '0.05',
      times: 2,
    });
    e.resetLog();
    const results = await p.apply(drifted.map(requireMfa));
    expect(results.every((r) => r.ok && switchEnabled(r.role))).toBe(true);
    expect(e.pendingFaults()).toBe(0);
    const patches = e.requests({ batchItems: true }).filter((r) => r.method === 'PATCH');
    // Every role written once successfully; the two throttled items were sent again in a second, smaller batch.
    expect(patches.filter((r) => r.status === 204)).toHaveLength(drifted.length);
    expect(patches.filter((r) => r.status === 429)).toHaveLength(2);
    expect(e.counts().batches).toBe(4);
    expect(p.stats().throttled).toBe(2);
  });
});

describe('EntraProvider.checkAccess', () => {
  it('costs one read and names the missing permission on 403', async () => {
    const e = await emulator();
    const p = provider(e);
    await p.checkAccess();
    expect(e.counts().requests).toBe(1);
    e.injectFault({ status: 403, times: 1 });
    const err = await p.checkAccess().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('PermissionDenied');
    expect((err as ProviderError).message).toBe(
      'Graph GET /policies/roleManagementPolicyAssignments: 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. (the application needs the Microsoft Graph application permission RoleManagementPolicy.Read.Directory with admin consent)',
    );
  });
});

describe('EntraProvider with plan()', () => {
  const spec = (id: string): EffectiveSpec => ({
    providerRef: 'tenant',
    role: { id },
    scope: '/',
    mfaRequired: true,
    mechanism: 'Any',
    enforcement: 'Enforce',
    deletionPolicy: 'Orphan',
    holderCoverage: 'Report',
  });
  /** Directory roles (scope '/'); PIM for Groups accesses have tests of their own (group-access.test.ts). */
  const directoryRoles = (snap: ProviderSnapshot): LiveRole[] =>
    snap.roles().filter((r) => r.scope === '/');
  const planAll = (snap: ProviderSnapshot): Action[] =>
    directoryRoles(snap).flatMap(
      (r) =>
        plan({
          spec: spec(r.roleId),
          problems: [],
          paused: false,
          lookup: snap.resolve({ id: r.roleId }, '/'),
          options: { allowWeakening: false },
        }).actions,
    );

  it('applies what plan() asks for, keeps Justification/Ticketing, and the next plan has nothing to write', async () => {
    const e = await emulator();
    const p = provider(e);
    const before = await p.snapshot();
    const actions = planAll(before);
    expect(actions.length).toBe(directoryRoles(before).filter((r) => !switchEnabled(r)).length);
    const results = await p.apply(actions);
    expect(results.every((r) => r.ok)).toBe(true);
    // The union was written: every other enabled rule of every role is still there.
    const after = await p.snapshot();
    for (const r of directoryRoles(before)) {
      const now = after.resolve({ id: r.roleId }, '/');
      if (now.kind !== 'Found') throw new Error(`${r.roleDisplayName} disappeared`);
      expect(now.role.settings).toEqual(
        [...new Set([...(r.settings ?? []), 'MultiFactorAuthentication'])].sort(),
      );
    }
    expect(e.getRule(SECURITY_ADMIN, 'Enablement_EndUser_Assignment')?.enabledRules).toEqual(
      expect.arrayContaining(['Justification', 'Ticketing', 'MultiFactorAuthentication']),
    );
    e.resetLog();
    expect(planAll(after)).toEqual([]);
    expect(await p.apply([])).toEqual([]);
    expect(e.counts().requests).toBe(0);
  });
});
