// Who holds each directory role, read by the Entra provider from a real Graph emulator over HTTP: every path
// (eligible, standing, activated, through a role-assignable group), group members and PIM for Groups policies,
// transitive membership, paging, what a snapshot costs as roles and holders grow, and what happens when the
// holders cannot be read (coverage absent, MFA enforcement untouched).
import { describe, expect, it } from 'vitest';
import type { CoverageFacts, Holding } from '../../../../src/api/coverage.js';
import {
  DEFAULT_EMULATOR_CLIENT_ID,
  DEFAULT_GRAPH_ROLES,
  groupId,
  SEEDED_TIER0_GROUP,
  stableGuid,
  syntheticDirectory,
  userId,
} from '../../../../src/emulator/graph/index.js';
import { readHolders } from '../../../../src/providers/entra/holders-read.js';
import { assessCoverage } from '../../../../src/reconcile/coverage/assess-coverage.js';
import { createEntraProvider } from '../../../../src/providers/entra/index.js';
import { coverageByRole } from '../../../../src/providers/entra/holders.js';
import type { LiveRole } from '../../../../src/api/observation.js';
import { emulator, provider, requireMfa } from './fixtures.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const upn = (n: string): string => `${n}@contoso.example`;

/** Holdings as `path upn-or-name [via group] [until]`, sorted: what a reviewer reads. */
function summary(c: CoverageFacts | undefined): string[] {
  return (c?.holdings ?? [])
    .map(
      (h: Holding) =>
        `${h.path} ${h.principal.userPrincipalName ?? h.principal.displayName}${h.via ? ` via ${h.via.displayName}` : ''}${h.endDateTime ? ` until ${h.endDateTime}` : ''}`,
    )
    .sort();
}

function role(roles: readonly LiveRole[], id: string): LiveRole {
  const r = roles.find((x) => x.roleId.toLowerCase() === id);
  if (!r) throw new Error(`no role ${id}`);
  return r;
}

describe('Entra holders', () => {
  it('reads every path of the default tenant: standing, eligible, activated (not counted twice) and group-held', async () => {
    const e = await emulator();
    const roles = (await provider(e).snapshot()).roles();
    const ga = role(roles, GA).coverage;
    expect(summary(ga)).toEqual([
      `Active ${upn('alice')}`,
      `Active ${upn('breakglass')}`,
      `Eligible ${upn('bob')}`,
      // carol's Activated instance is the use of her eligibility: one holding, Eligible.
      `Eligible ${upn('carol')}`,
    ]);
    expect(ga?.directoryRoleId).toBe(GA);
    // The tenant's Conditional Access policies go into every role's facts (listed once per snapshot).
    expect(ga?.policies.map((p) => p.id).sort()).toEqual(
      e
        .conditionalAccessPolicies()
        .map((p) => p.id)
        .sort(),
    );
    expect(summary(role(roles, USER_ADMIN).coverage)).toEqual([
      `Eligible ${upn('bob')} until 2027-06-30T00:00:00Z`,
    ]);
    expect(summary(role(roles, EXCHANGE_ADMIN).coverage)).toEqual([
      `Active ${upn('erin')} until 2027-01-01T00:00:00Z`,
    ]);
    // The role-assignable group holds Security Administrator actively: its eligible member activates the
    // membership (GroupEligible), its standing member holds the role (GroupActive), and its owner can make
    // herself a member (GroupOwner).
    const tier0 = groupId(SEEDED_TIER0_GROUP);
    const sec = role(roles, SECURITY_ADMIN).coverage;
    expect(summary(sec)).toEqual([
      `GroupActive ${upn('erin')} via ${SEEDED_TIER0_GROUP}`,
      `GroupEligible ${upn('dave')} via ${SEEDED_TIER0_GROUP}`,
      `GroupOwner ${upn('olivia')} via ${SEEDED_TIER0_GROUP}`,
    ]);
    expect(sec?.holdings.every((h) => h.via?.id === tier0 && h.via.kind === 'Group')).toBe(true);
    // Member activation asks no MFA, owner activation does (the seeded group policies).
    expect(sec?.groupActivation).toEqual({ [tier0]: { member: false, owner: true } });
    // erin is a member of the group; dave is only eligible to become one.
    expect(sec?.memberOf).toEqual({ [userId(upn('erin'))]: [tier0] });
    // A role nobody holds is observed with no holders, which is not the same as not observed.
    expect(role(roles, DIRECTORY_READERS).coverage).toEqual({
      holdings: [],
      policies: ga?.policies,
      memberOf: {},
      groupActivation: {},
      directoryRoleId: DIRECTORY_READERS,
    });
    // Names come with the principals: users have their UPN, the group its display name.
    const alice = ga?.holdings.find((h) => h.principal.userPrincipalName === upn('alice'));
    expect(alice?.principal).toEqual({
      id: userId(upn('alice')),
      type: 'User',
      displayName: 'Alice Admin',
      userPrincipalName: upn('alice'),
    });
  });

  it('expands a group that is eligible for a role into Eligible holdings of its members', async () => {
    const e = await emulator({ seed: { roles: 3 } });
    const [r0] = e.roleDefinitions();
    const g = stableGuid('eligible-group');
    e.seedDirectory({
      users: [{ userPrincipalName: 'm1@x.example' }, { userPrincipalName: 'm2@x.example' }],
      groups: [
        {
          id: g,
          displayName: 'Eligible Ops',
          isAssignableToRole: true,
          pim: { member: ['MultiFactorAuthentication'] },
        },
      ],
      groupAssignments: [{ groupId: g, principalId: userId('m1@x.example') }],
      groupEligibilities: [{ groupId: g, principalId: userId('m2@x.example') }],
      roleEligibilities: [{ principalId: g, roleDefinitionId: r0!.id }],
    });
    const roles = (await provider(e).snapshot()).roles();
    const c = role(roles, r0!.id.toLowerCase()).coverage;
    // Whoever uses the role activates the role itself: its activation rule applies to both.
    expect(summary(c)).toEqual([
      'Eligible m1@x.example via Eligible Ops',
      'Eligible m2@x.example via Eligible Ops',
    ]);
    expect(c?.groupActivation).toEqual({ [g]: { member: true, owner: false } });
  });

  it('gives memberOf through nested groups named by Conditional Access', async () => {
    const e = await emulator({ seed: { roles: 2 } });
    const [r0] = e.roleDefinitions();
    const alice = userId('alice@x.example');
    const inner = stableGuid('inner');
    const outer = stableGuid('outer');
    e.seedDirectory({
      users: [{ userPrincipalName: 'alice@x.example' }, { userPrincipalName: 'bob@x.example' }],
      groups: [
        { id: inner, displayName: 'Inner', members: [alice] },
        { id: outer, displayName: 'Outer (excluded from MFA)', members: [inner] },
      ],
      roleAssignments: [
        { principalId: alice, roleDefinitionId: r0!.id },
        { principalId: userId('bob@x.example'), roleDefinitionId: r0!.id },
      ],
    });
    const p = provider(e);
    const read = await readHolders(p.graph, { top: 999, referencedGroups: [outer] });
    const facts = coverageByRole(read).get(r0!.id.toLowerCase());
    // alice is in Outer through Inner; bob is in no group the policies name, so he has no entry (nor has Inner,
    // which holds no role).
    expect(facts?.memberOf).toEqual({ [alice]: [outer] });
    expect(summary(facts)).toEqual(['Active alice@x.example', 'Active bob@x.example']);
  });

  it('follows nextLinks across pages of instances, members and PIM for Groups lists', async () => {
    const e = await emulator({ seed: { roles: 7 }, pageSize: 3, maxPageSize: 3 });
    const ids = e.roleDefinitions().map((r) => r.id);
    const seed = syntheticDirectory({
      roleIds: ids,
      instances: 40,
      groups: 2,
      users: 30,
      membersPerGroup: 5,
    });
    e.seedDirectory(seed);
    const roles = (await provider(e).snapshot()).roles();
    const total = roles.reduce((n, r) => n + (r.coverage?.holdings.length ?? 0), 0);
    const instances = (seed.roleEligibilities?.length ?? 0) + (seed.roleAssignments?.length ?? 0);
    const activated = (seed.roleAssignments ?? []).filter(
      (a) => a.assignmentType === 'Activated',
    ).length;
    // Every direct instance but the activations, and each group's 5 eligible and 5 active members.
    expect(total).toBe(instances - 2 - activated + 2 * 10);
    // Group lists of 5 came in pages of 3 inside $batch: a second round followed their nextLinks.
    const batchItems = e.requests({ batchItems: true }).filter((r) => r.batchItemId !== undefined);
    expect(
      batchItems.filter((r) => decodeURIComponent(r.query).includes('$skiptoken')).length,
    ).toBeGreaterThan(0);
  });

  it('costs the same number of requests whatever the number of roles and holders (below a page)', async () => {
    /** The requests the holders add to a snapshot: with them, less without them. */
    const cost = async (roles: number, instances: number): Promise<number> => {
      const e = await emulator({ seed: { roles } });
      e.seedDirectory(
        syntheticDirectory({ roleIds: e.roleDefinitions().map((r) => r.id), instances, groups: 0 }),
      );
      const count = async (holders: boolean): Promise<number> => {
        // The PIM for Groups policy read (groups-access.test.ts measures it) is left out: this is the holders' cost.
        const p = provider(e, { holders, groups: false });
        await p.snapshot();
        return p.graph.stats.requests;
      };
      return (await count(true)) - (await count(false));
    };
    const small = await cost(10, 20);
    const large = await cost(400, 900);
    // 2 instance listings, 1 Conditional Access listing and 1 getByIds (up to 1,000 principals) either way.
    expect(small).toBe(4);
    expect(large).toBe(small);
  });

  it('reads owners of role-holding groups: plain owners and eligible and active PIM for Groups owners, each once', async () => {
    const e = await emulator({ seed: { roles: 3 } });
    const [r0, r1] = e.roleDefinitions();
    const active = stableGuid('owned-active');
    const eligible = stableGuid('owned-eligible');
    const [plain, pimActive, pimEligible, both] = [
      'plain',
      'pim-active',
      'pim-eligible',
      'both',
    ].map((n) => userId(`${n}@x.example`));
    e.seedDirectory({
      users: ['plain', 'pim-active', 'pim-eligible', 'both'].map((n) => ({
        userPrincipalName: `${n}@x.example`,
      })),
      groups: [
        {
          id: active,
          displayName: 'Owned Active',
          isAssignableToRole: true,
          owners: [plain!, both!],
          pim: { member: [], owner: ['MultiFactorAuthentication'] },
        },
        { id: eligible, displayName: 'Owned Eligible', isAssignableToRole: true, owners: [plain!] },
      ],
      // An active owner instance makes an owner (listed by groups/{id}/owners too); both is a plain owner and
      // an eligible one: one holding.
      groupAssignments: [
        {
          groupId: active,
          principalId: pimActive!,
          accessId: 'owner',
          endDateTime: '2027-03-01T00:00:00Z',
        },
      ],
      groupEligibilities: [
        { groupId: active, principalId: pimEligible!, accessId: 'owner' },
        { groupId: active, principalId: both!, accessId: 'owner' },
      ],
      roleAssignments: [{ principalId: active, roleDefinitionId: r0!.id }],
      roleEligibilities: [{ principalId: eligible, roleDefinitionId: r1!.id }],
    });
    const roles = (await provider(e).snapshot()).roles();
    const c0 = role(roles, r0!.id.toLowerCase()).coverage;
    expect(summary(c0)).toEqual([
      'GroupOwner both@x.example via Owned Active',
      'GroupOwner pim-active@x.example via Owned Active until 2027-03-01T00:00:00Z',
      'GroupOwner pim-eligible@x.example via Owned Active',
      'GroupOwner plain@x.example via Owned Active',
    ]);
    // Owners are not members: no memberOf entry puts them in the group.
    expect(c0?.memberOf[plain!]).toBeUndefined();
    const c1 = role(roles, r1!.id.toLowerCase()).coverage;
    expect(c1?.holdings).toEqual([
      expect.objectContaining({ path: 'GroupOwner', groupEligibleForRole: true }),
    ]);
    // The pure core judges them: the owner activation MFA of the group does not cover what an owner grants
    // themselves, and no Conditional Access policy of this tenant applies.
    const verdicts = assessCoverage(role(roles, r0!.id.toLowerCase()));
    expect(verdicts?.holdings.map((h) => `${h.verdict}:${h.gap ?? ''}`)).toEqual(
      Array(4).fill('Uncovered:GroupOwnerWithoutMfa'),
    );
  });

  it('reads groups in $batch: 5 lists per role-holding group, 20 a batch', async () => {
    const e = await emulator({ seed: { roles: 30 } });
    const ids = e.roleDefinitions().map((r) => r.id);
    e.seedDirectory(syntheticDirectory({ roleIds: ids, instances: 200, groups: 25 }));
    const p = provider(e, { pageSize: 999, groups: false });
    await p.snapshot();
    const batches = p.graph.stats.batches;
    // 25 groups x 5 lists (members, owners, eligible and active instances, policies) = 125 GETs = 7 batches; no
    // page of theirs needs a second round at the default page size.
    expect(batches).toBe(Math.ceil((25 * 5) / 20));
    // Nothing was read per group outside $batch.
    const perGroup = e
      .requests()
      .filter(
        (r) => r.batchItemId === undefined && /\/groups\/|privilegedAccess\/group/.test(r.path),
      );
    expect(perGroup).toEqual([]);
  });

  it("reads each group's PIM policies once when the snapshot reads them for groups anyway, with the same rules", async () => {
    const e = await emulator({ seed: { roles: 30 } });
    const ids = e.roleDefinitions().map((r) => r.id);
    e.seedDirectory(syntheticDirectory({ roleIds: ids, instances: 200, groups: 25 }));
    const alone = await provider(e, { pageSize: 999, groups: false }).snapshot();
    e.resetLog();
    const p = provider(e, { pageSize: 999 });
    const both = await p.snapshot();
    // The PIM for Groups read: 25 groups' policies, 20 a batch (2); the holder read: 4 lists per group (5).
    expect(p.graph.stats.batches).toBe(Math.ceil(25 / 20) + Math.ceil((25 * 4) / 20));
    const policyReads = e
      .requests({ batchItems: true })
      .filter(
        (r) =>
          /roleManagementPolicyAssignments/.test(r.path) &&
          /scopeType eq 'Group'/.test(decodeURIComponent(r.query)),
      );
    const perGroup = new Map<string, number>();
    for (const r of policyReads) {
      const g = /scopeId eq '([^']+)'/.exec(decodeURIComponent(r.query))?.[1] ?? r.query;
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
    }
    expect(perGroup.size).toBe(25);
    expect([...perGroup.values()].every((n) => n === 1)).toBe(true);
    // The activation rules the holders are judged by are the same either way.
    const activation = (s: typeof both): unknown[] =>
      s
        .roles()
        .filter((r) => r.scope === '/')
        .map((r) => r.coverage?.groupActivation);
    expect(activation(both)).toEqual(activation(alone));
    expect(activation(both).some((a) => Object.keys(a ?? {}).length > 0)).toBe(true);
  });

  it('leaves coverage absent and names the missing permission when holders cannot be read; MFA is still enforced', async () => {
    const e = await emulator();
    e.setClient({
      clientId: DEFAULT_EMULATOR_CLIENT_ID,
      graphRoles: DEFAULT_GRAPH_ROLES.filter(
        (r) => r !== 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
      ),
      armActions: [],
    });
    const lines: string[] = [];
    const p = provider(e, { logger: { info: (_o, msg) => lines.push(msg) } });
    const snap = await p.snapshot();
    expect(snap.roles().every((r) => r.coverage === undefined)).toBe(true);
    expect((snap as { holdersNote?: string }).holdersNote).toMatch(
      /PrivilegedEligibilitySchedule\.Read\.AzureADGroup/,
    );
    expect(
      lines.some((l) =>
        /holders were not read.*PrivilegedEligibilitySchedule\.Read\.AzureADGroup/.test(l),
      ),
    ).toBe(true);
    // The activation rule is still observed and can still be turned on.
    const ua = role(snap.roles(), USER_ADMIN);
    expect(ua.requirements.length).toBeGreaterThan(0);
    const [result] = await p.apply([requireMfa(ua)]);
    expect(result?.ok).toBe(true);
    expect(e.getRule(USER_ADMIN, 'Enablement_EndUser_Assignment')?.enabledRules).toContain(
      'MultiFactorAuthentication',
    );
  });

  it('a role verified after a write keeps the holders its snapshot read (a write changes no holder)', async () => {
    const e = await emulator();
    const p = provider(e);
    const ua = role((await p.snapshot()).roles(), USER_ADMIN);
    const [result] = await p.apply([requireMfa(ua)]);
    expect(result?.ok && result.role.coverage).toEqual(ua.coverage);
    expect(summary(ua.coverage)).toEqual([`Eligible ${upn('bob')} until 2027-06-30T00:00:00Z`]);
  });

  it('reads the holders of Azure roles per ARM scope, expanding groups with the directory roles', async () => {
    const sub = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';
    const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    const contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
    const reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
    const e = await emulator({ armScopes: [sub] });
    const tier0 = groupId(SEEDED_TIER0_GROUP);
    e.seedArmInstances(sub, {
      eligible: [{ principalId: userId(upn('alice')), roleGuid: owner }],
      active: [
        { principalId: tier0, principalType: 'Group', roleGuid: contributor },
        // The use of alice's eligibility: counted once, as Eligible.
        { principalId: userId(upn('alice')), roleGuid: owner, assignmentType: 'Activated' },
      ],
    });
    const p = createEntraProvider(
      {
        tenantId: e.tenantId,
        graphBaseUrl: e.url,
        credentials: { type: 'Emulator' },
        azureRbac: { scopes: [sub], resourceManagerUrl: e.armUrl },
      },
      { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 }, random: () => 0.5 },
    );
    const snap = await p.snapshot();
    const armRole = (guid: string): LiveRole => {
      const r = snap.resolve({ id: guid }, sub);
      if (r.kind !== 'Found') throw new Error(`no Azure role ${guid}`);
      return r.role;
    };
    expect(summary(armRole(owner).coverage)).toEqual([`Eligible ${upn('alice')}`]);
    expect(summary(armRole(contributor).coverage)).toEqual([
      `GroupActive ${upn('erin')} via ${SEEDED_TIER0_GROUP}`,
      `GroupEligible ${upn('dave')} via ${SEEDED_TIER0_GROUP}`,
      `GroupOwner ${upn('olivia')} via ${SEEDED_TIER0_GROUP}`,
    ]);
    expect(armRole(contributor).coverage?.groupActivation).toEqual({
      [tier0]: { member: false, owner: true },
    });
    // Azure roles are not directory roles: nothing for includeRoles to match.
    expect(armRole(owner).coverage?.directoryRoleId).toBeUndefined();
    expect(armRole(reader).coverage?.holdings).toEqual([]);
    // The directory roles keep theirs, and the ARM instances cost two listings per scope.
    expect(summary(role(snap.roles(), GA).coverage)).toContain(`Active ${upn('alice')}`);
    const armLists = e
      .requests()
      .filter((r) => /ScheduleInstances$/.test(r.path) && r.path.startsWith('/subscriptions/'));
    expect(armLists.map((r) => decodeURIComponent(r.query))).toEqual([
      expect.stringContaining('$filter=atScope()'),
      expect.stringContaining('$filter=atScope()'),
    ]);
  });

  it('leaves Azure roles without coverage when their instances cannot be read; their policies still are', async () => {
    const sub = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';
    const e = await emulator({ armScopes: [sub] });
    e.setClient({
      clientId: DEFAULT_EMULATOR_CLIENT_ID,
      graphRoles: [...DEFAULT_GRAPH_ROLES],
      armActions: [
        'Microsoft.Authorization/roleManagementPolicies/read',
        'Microsoft.Authorization/roleManagementPolicyAssignments/read',
        'Microsoft.Authorization/roleDefinitions/read',
      ],
    });
    const lines: string[] = [];
    const p = createEntraProvider(
      {
        tenantId: e.tenantId,
        graphBaseUrl: e.url,
        credentials: { type: 'Emulator' },
        azureRbac: { scopes: [sub], resourceManagerUrl: e.armUrl },
      },
      { logger: { info: (_o, msg) => lines.push(msg) } },
    );
    const snap = await p.snapshot();
    const owner = snap.resolve({ displayName: 'Owner' }, sub);
    expect(owner).toMatchObject({ kind: 'Found' });
    expect(owner.kind === 'Found' && owner.role.coverage).toBe(undefined);
    expect(
      lines.some((l) =>
        /Azure roles at .* were not read.*roleEligibilityScheduleInstances\/read|roleAssignmentScheduleInstances\/read/.test(
          l,
        ),
      ),
    ).toBe(true);
    // Directory roles are unaffected.
    expect(role(snap.roles(), GA).coverage).toBeDefined();
  });

  it('after the first snapshot, reads holders beside the next ones without waiting: coverage lags one resync at most', async () => {
    const e = await emulator();
    const p = provider(e, { holdersIntervalMs: 0 });
    expect(summary(role((await p.snapshot()).roles(), USER_ADMIN).coverage)).toHaveLength(1);
    e.seedDirectory({
      roleEligibilities: [{ principalId: userId(upn('dave')), roleDefinitionId: USER_ADMIN }],
    });
    // The second snapshot starts a new holder read and carries the last complete one.
    expect(summary(role((await p.snapshot()).roles(), USER_ADMIN).coverage)).toHaveLength(1);
    await p.holdersSettled();
    // The third carries what the second started.
    expect(summary(role((await p.snapshot()).roles(), USER_ADMIN).coverage)).toEqual([
      `Eligible ${upn('bob')} until 2027-06-30T00:00:00Z`,
      `Eligible ${upn('dave')}`,
    ]);
    await p.holdersSettled();
  });

  it('starts a holder read at most once per holdersIntervalMs: sooner snapshots carry the last one', async () => {
    const e = await emulator();
    let t = Date.parse('2026-12-06T00:00:00Z');
    const p = provider(e, { holdersIntervalMs: 60_000, now: () => new Date(t) });
    const reads = (): number =>
      e.requests().filter((r) => /roleEligibilityScheduleInstances/.test(r.path)).length;
    await p.snapshot();
    await p.holdersSettled();
    const first = reads();
    expect(first).toBeGreaterThan(0);
    e.seedDirectory({
      roleEligibilities: [{ principalId: userId(upn('dave')), roleDefinitionId: USER_ADMIN }],
    });
    t += 59_000;
    const sooner = await p.snapshot();
    await p.holdersSettled();
    expect(reads()).toBe(first);
    expect(summary(role(sooner.roles(), USER_ADMIN).coverage)).toHaveLength(1);
    t += 1_000;
    await p.snapshot();
    await p.holdersSettled();
    expect(reads()).toBeGreaterThan(first);
    // The read started at 60 s shows the new holder from the next snapshot on.
    expect(summary(role((await p.snapshot()).roles(), USER_ADMIN).coverage)).toHaveLength(2);
    await p.holdersSettled();
  });

  it('does not read holders when asked not to', async () => {
    const e = await emulator();
    const snap = await provider(e, { holders: false }).snapshot();
    expect(snap.roles().every((r) => r.coverage === undefined)).toBe(true);
    expect(e.requests().some((r) => /ScheduleInstances/.test(r.path))).toBe(false);
  });
});
