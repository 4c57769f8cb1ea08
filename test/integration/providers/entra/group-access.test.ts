// PIM for Groups accesses (spec.group) through the Entra provider against the emulator: lookups by id and display
// name, what the bulk read costs, and SetMfa on a group's member policy through plan(), verified and idempotent.
import { describe, expect, it } from 'vitest';
import { switchEnabled } from '../../../../src/api/observation.js';
import { groupScope } from '../../../../src/api/role-target.js';
import { effectiveSpec } from '../../../../src/api/v1alpha1/types.js';
import {
  DEFAULT_GRAPH_ROLES,
  groupId,
  syntheticDirectory,
  SEEDED_TIER0_GROUP,
} from '../../../../src/emulator/graph/index.js';
import { createEntraProvider } from '../../../../src/providers/entra/index.js';
import type { ProviderSnapshot } from '../../../../src/providers/types.js';
import type { Action } from '../../../../src/reconcile/action.js';
import { plan } from '../../../../src/reconcile/plan.js';
import { emulator, provider, requireMfa } from './fixtures.js';

const TIER0 = groupId(SEEDED_TIER0_GROUP);
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

describe('Entra PIM for Groups accesses', () => {
  it('resolves a group access by display name or id, member and owner apart, with clear misses', async () => {
    const e = await emulator();
    e.seedDirectory({
      groups: [
        { displayName: 'Helpdesk', isAssignableToRole: false, pim: { member: [] } },
        {
          id: '11111111-1111-4111-8111-111111111111',
          displayName: 'Twin',
          isAssignableToRole: true,
        },
        {
          id: '22222222-2222-4222-8222-222222222222',
          displayName: 'Twin',
          isAssignableToRole: true,
        },
      ],
    });
    const snap = await provider(e).snapshot();
    const member = snap.resolve({ displayName: SEEDED_TIER0_GROUP }, groupScope('member'));
    expect(member).toMatchObject({
      kind: 'Found',
      role: {
        roleId: TIER0,
        roleDisplayName: `${SEEDED_TIER0_GROUP} (member)`,
        scope: `/groups/${TIER0}/member`,
      },
    });
    if (member.kind !== 'Found') throw new Error('not found');
    expect(switchEnabled(member.role), 'the seed lets members activate without MFA').toBe(false);
    expect(member.role.handle).toMatch(/^Group_/);
    expect(snap.resolve({ id: TIER0.toUpperCase() }, groupScope('member'))).toEqual(member);
    const owner = snap.resolve({ id: TIER0 }, groupScope('owner'));
    expect(owner.kind === 'Found' && switchEnabled(owner.role)).toBe(true);
    expect(owner.kind === 'Found' && owner.role.handle).not.toBe(member.role.handle);

    expect(snap.resolve({ displayName: 'tier0 security operators' }, groupScope('member'))).toEqual(
      {
        kind: 'NotFound',
        message: `no role-assignable group is named 'tier0 security operators' (display names are case-sensitive; did you mean '${SEEDED_TIER0_GROUP}'?)`,
      },
    );
    expect(snap.resolve({ displayName: 'Helpdesk' }, groupScope('member'))).toMatchObject({
      kind: 'NotFound',
      message: "no role-assignable group is named 'Helpdesk'",
    });
    expect(snap.resolve({ displayName: 'Twin' }, groupScope('member'))).toEqual({
      kind: 'Ambiguous',
      candidates: [
        'Twin (11111111-1111-4111-8111-111111111111)',
        'Twin (22222222-2222-4222-8222-222222222222)',
      ],
    });
    expect(
      snap.resolve({ id: '11111111-1111-4111-8111-111111111111' }, groupScope('owner')),
    ).toEqual({
      kind: 'NotFound',
      message:
        'group Twin (11111111-1111-4111-8111-111111111111) has no PIM for Groups owner policy',
    });
  });

  it('costs 1 + ceil(groups / 20) requests per snapshot, and lookups none', async () => {
    const e = await emulator();
    e.seedDirectory(
      syntheticDirectory({
        roleIds: e.roleDefinitions().map((r) => r.id),
        instances: 0,
        groups: 45,
      }),
    );
    const count = async (
      groups: boolean,
    ): Promise<{ requests: number; snap: ProviderSnapshot }> => {
      const p = provider(e, { holders: false, groups });
      const snap = await p.snapshot();
      return { requests: p.graph.stats.requests, snap };
    };
    const without = await count(false);
    const withGroups = await count(true);
    // 46 role-assignable groups (the seed's and 45 synthetic): one page of groups, then 3 batches of 20, 20, 6.
    expect(withGroups.requests - without.requests).toBe(1 + Math.ceil(46 / 20));
    e.resetLog();
    for (let g = 1; g <= 45; g++)
      expect(
        withGroups.snap.resolve({ displayName: `Synthetic Group ${g}` }, groupScope('member')).kind,
      ).toBe('Found');
    expect(e.counts().requests, 'a lookup reads nothing').toBe(0);
    expect(
      without.snap.resolve({ id: TIER0 }, groupScope('member')),
      'without the read, a lookup says why',
    ).toEqual({
      kind: 'NotFound',
      message:
        'PIM for Groups policies were not read: this provider does not read them (groups: false)',
    });
  });

  it('a group policy write without RoleManagementPolicy.ReadWrite.AzureADGroup is refused, naming that permission', async () => {
    const e = await emulator({
      clients: [
        {
          clientId: 'directory-writer',
          // Every permission of the default application but the PIM for Groups policy write.
          graphRoles: [
            ...DEFAULT_GRAPH_ROLES.filter(
              (r) => r !== 'RoleManagementPolicy.ReadWrite.AzureADGroup',
            ),
            'RoleManagementPolicy.Read.AzureADGroup',
          ],
          armActions: [],
        },
      ],
    });
    const p = createEntraProvider(
      {
        tenantId: e.tenantId,
        graphBaseUrl: e.url,
        credentials: { type: 'Emulator', clientId: 'directory-writer' },
      },
      { holders: false, groups: true, retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } },
    );
    const snap = await p.snapshot();
    const member = snap.resolve({ id: TIER0 }, groupScope('member'));
    if (member.kind !== 'Found') throw new Error('the group access must be read');
    const ua = snap.resolve({ id: USER_ADMIN }, '/');
    if (ua.kind !== 'Found') throw new Error('User Administrator must be read');
    const [group, role] = await p.apply([requireMfa(member.role), requireMfa(ua.role)]);
    expect(group).toMatchObject({ ok: false, error: { kind: 'PermissionDenied' } });
    expect(!group?.ok && group?.error.message).toMatch(
      /403 Authorization_RequestDenied.*the application needs the Microsoft Graph application permission RoleManagementPolicy\.ReadWrite\.AzureADGroup/,
    );
    // The directory permission still writes the directory role in the same apply.
    expect(role?.ok).toBe(true);
    // Nothing of the group policy was written.
    const rules = e.getPolicy(member.role.handle)?.rules ?? [];
    const enablement = rules.find((r) => r.id === 'Enablement_EndUser_Assignment') as
      { enabledRules?: string[] } | undefined;
    expect(enablement?.enabledRules).toEqual(['Justification']);
  });

  it('requires MFA on member activation through plan(), keeps the other rules, verifies, then writes nothing', async () => {
    const e = await emulator();
    const p = provider(e, { holders: false, groups: true });
    const spec = effectiveSpec({
      providerRef: { name: 'tenant' },
      group: { displayName: SEEDED_TIER0_GROUP, access: 'member' },
      mfaRequired: true,
    });
    const planned = (snap: ProviderSnapshot): Action[] =>
      plan({
        spec,
        problems: [],
        paused: false,
        lookup: snap.resolve(spec.role, spec.scope),
        options: { allowWeakening: false },
      }).actions;
    const actions = planned(await p.snapshot());
    expect(actions).toMatchObject([
      {
        kind: 'SetMfa',
        switchName: 'ActivationRule',
        enabled: true,
        scope: `/groups/${TIER0}/member`,
      },
    ]);
    e.resetLog();
    const [result] = await p.apply(actions);
    expect(result?.ok).toBe(true);
    expect(result?.ok && switchEnabled(result.role)).toBe(true);
    expect(result?.ok && result.role.scope).toBe(`/groups/${TIER0}/member`);
    // One read of the fresh rules, one PATCH of the member policy's rule, one verifying read.
    expect(e.counts()).toMatchObject({ requests: 3, writes: 1 });
    const rules = e.getPolicy(actions[0]!.handle)?.rules ?? [];
    const enablement = rules.find((r) => r.id === 'Enablement_EndUser_Assignment') as
      { enabledRules?: string[] } | undefined;
    expect(enablement?.enabledRules?.slice().sort()).toEqual([
      'Justification',
      'MultiFactorAuthentication',
    ]);

    const again = await p.snapshot();
    expect(planned(again)).toEqual([]);
    const owner = again.resolve({ displayName: SEEDED_TIER0_GROUP }, groupScope('owner'));
    expect(owner.kind === 'Found' && owner.role.settings).toEqual([
      'Justification',
      'MultiFactorAuthentication',
    ]);
  });
});
