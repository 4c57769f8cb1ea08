// From schedule instances, groups and PIM for Groups to each role's holdings, table-driven with the reason for
// each case.
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../src/api/coverage.js';
import {
  coverageByRole,
  emptyFacts,
  groupActivationOf,
  principalFromObject,
  type GroupRead,
  type HoldersRead,
  type RoleScheduleInstance,
} from '../../../../src/providers/entra/holders.js';
import type { GraphPolicyAssignment } from '../../../../src/providers/entra/mapping.js';

const ROLE = '62e90394-69f5-4237-9190-012177145e10';
const user = (n: string): Principal => ({
  id: `u-${n}`,
  type: 'User',
  displayName: n,
  userPrincipalName: `${n}@x.example`,
});
const G: Principal = { id: 'g-ops', type: 'Group', displayName: 'Ops' };

function read(o: {
  eligible?: RoleScheduleInstance[];
  active?: RoleScheduleInstance[];
  groups?: Record<string, GroupRead>;
  principals?: Principal[];
}): HoldersRead {
  const principals = o.principals ?? [user('ann'), user('ben'), user('cid'), G];
  return {
    eligibilities: o.eligible ?? [],
    assignments: o.active ?? [],
    principals: new Map(principals.map((p) => [p.id, p])),
    groups: new Map(Object.entries(o.groups ?? {})),
  };
}

const inst = (
  principalId: string,
  extra: Partial<RoleScheduleInstance> = {},
): RoleScheduleInstance => ({
  principalId,
  roleDefinitionId: ROLE,
  directoryScopeId: '/',
  endDateTime: null,
  memberType: 'Direct',
  ...extra,
});

const policy = (access: string, enabledRules: string[]): GraphPolicyAssignment => ({
  id: `p_${access}`,
  policyId: 'p',
  scopeId: G.id,
  scopeType: 'Group',
  roleDefinitionId: access,
  policy: { id: 'p', rules: [{ id: 'Enablement_EndUser_Assignment', enabledRules }] },
});

/** `path name [via group] [until]` per holding, in the facts' order. */
const lines = (r: HoldersRead): string[] =>
  (coverageByRole(r).get(ROLE)?.holdings ?? []).map(
    (h) =>
      `${h.path} ${h.principal.displayName}${h.via ? ` via ${h.via.displayName}` : ''}${h.endDateTime ? ` until ${h.endDateTime}` : ''}${h.groupEligibleForRole ? ' (eligible group)' : ''}`,
  );

describe('coverageByRole: holdings', () => {
  it.each([
    {
      reason: 'an eligibility instance is an Eligible holding',
      read: read({ eligible: [inst('u-ann')] }),
      want: ['Eligible ann'],
    },
    {
      reason: 'an Assigned assignment instance is standing access: Active, with its end time',
      read: read({
        active: [
          inst('u-ann', { assignmentType: 'Assigned', endDateTime: '2027-01-01T00:00:00Z' }),
        ],
      }),
      want: ['Active ann until 2027-01-01T00:00:00Z'],
    },
    {
      reason: 'an Activated instance is the use of an eligibility: counted once, as Eligible',
      read: read({
        eligible: [inst('u-ann')],
        active: [
          inst('u-ann', { assignmentType: 'Activated', endDateTime: '2026-01-01T08:00:00Z' }),
        ],
      }),
      want: ['Eligible ann'],
    },
    {
      reason: 'assignmentType is compared without case',
      read: read({ active: [inst('u-ann', { assignmentType: 'assigned' })] }),
      want: ['Active ann'],
    },
    {
      reason:
        'an instance inherited through a group is left to the group expansion (never counted twice)',
      read: read({ active: [inst('u-ann', { assignmentType: 'Assigned', memberType: 'Group' })] }),
      want: [],
    },
    {
      reason: 'a holder both eligible and standing holds the role both ways',
      read: read({
        eligible: [inst('u-ann')],
        active: [inst('u-ann', { assignmentType: 'Assigned' })],
      }),
      want: ['Active ann', 'Eligible ann'],
    },
    {
      reason: 'the same instance listed twice (two scopes) counts once per path',
      read: read({
        eligible: [inst('u-ann'), inst('u-ann', { directoryScopeId: '/administrativeUnits/au1' })],
      }),
      want: ['Eligible ann'],
    },
    {
      reason:
        'a group holding the role actively: standing members GroupActive, eligible members GroupEligible, activated members only as eligible, an eligible owner GroupOwner',
      read: read({
        active: [inst(G.id, { assignmentType: 'Assigned' })],
        groups: {
          [G.id]: {
            members: ['u-ann', 'u-cid'],
            eligible: [
              { principalId: 'u-ben', groupId: G.id, accessId: 'member', endDateTime: null },
              { principalId: 'u-cid', groupId: G.id, accessId: 'member', endDateTime: null },
              { principalId: 'u-ann', groupId: G.id, accessId: 'owner', endDateTime: null },
            ],
            active: [
              {
                principalId: 'u-ann',
                groupId: G.id,
                accessId: 'member',
                assignmentType: 'assigned',
              },
              {
                principalId: 'u-cid',
                groupId: G.id,
                accessId: 'member',
                assignmentType: 'activated',
              },
            ],
          },
        },
      }),
      want: [
        'GroupActive ann via Ops',
        'GroupEligible ben via Ops',
        'GroupEligible cid via Ops',
        'GroupOwner ann via Ops',
      ],
    },
    {
      reason:
        'owners: a plain owner, and an active owner instance listed among the plain owners too, count once each',
      read: read({
        active: [inst(G.id, { assignmentType: 'Assigned' })],
        groups: {
          [G.id]: {
            members: [],
            owners: ['u-ann', 'u-ben'],
            eligible: [],
            active: [
              {
                principalId: 'u-ben',
                groupId: G.id,
                accessId: 'owner',
                assignmentType: 'assigned',
                endDateTime: '2026-12-01T00:00:00Z',
              },
            ],
          },
        },
      }),
      want: ['GroupOwner ann via Ops', 'GroupOwner ben via Ops until 2026-12-01T00:00:00Z'],
    },
    {
      reason:
        'a group eligible for the role: every member activates the role itself, so Eligible via the group; its owner is marked as owning a group eligible for the role',
      read: read({
        eligible: [inst(G.id)],
        groups: {
          [G.id]: {
            members: ['u-ann'],
            owners: ['u-cid'],
            eligible: [{ principalId: 'u-ben', groupId: G.id, accessId: 'member' }],
            active: [],
          },
        },
      }),
      want: [
        'Eligible ann via Ops',
        'Eligible ben via Ops',
        'GroupOwner cid via Ops (eligible group)',
      ],
    },
    {
      reason:
        'a member holds the role until the earlier of the group assignment and the membership',
      read: read({
        active: [inst(G.id, { assignmentType: 'Assigned', endDateTime: '2027-06-01T00:00:00Z' })],
        groups: {
          [G.id]: {
            members: ['u-ann', 'u-ben'],
            eligible: [],
            active: [
              {
                principalId: 'u-ann',
                groupId: G.id,
                accessId: 'member',
                endDateTime: '2026-12-01T00:00:00Z',
              },
            ],
          },
        },
      }),
      want: [
        'GroupActive ann via Ops until 2026-12-01T00:00:00Z',
        'GroupActive ben via Ops until 2027-06-01T00:00:00Z',
      ],
    },
    {
      reason: 'a principal the directory did not return is named by its id, never dropped',
      read: read({ eligible: [inst('u-gone')], principals: [] }),
      want: ['Eligible u-gone'],
    },
    {
      reason:
        'a group-held role whose group could not be read yields no member holdings (and no invention)',
      read: read({ active: [inst(G.id, { assignmentType: 'Assigned' })] }),
      want: [],
    },
  ])('$reason', ({ read: r, want }) => {
    expect(lines(r)).toEqual(want);
  });
});

describe('coverageByRole: memberOf, groupActivation, directoryRoleId', () => {
  it('lists, per holder, the groups read that have it as a transitive member', () => {
    const r = read({
      active: [
        inst('u-ann', { assignmentType: 'Assigned' }),
        inst('u-ben', { assignmentType: 'Assigned' }),
      ],
      groups: {
        'g-excluded': { members: ['g-inner', 'u-ann'] },
        'g-all': { members: ['u-ann', 'u-cid'] },
      },
    });
    const f = coverageByRole(r, () => 'template-1').get(ROLE);
    // ann is in both groups (sorted, once each); ben in none (no entry); cid and the nested group hold nothing,
    // so they get no entry either: a group Conditional Access names may have a whole directory of members.
    expect(f?.memberOf).toEqual({ 'u-ann': ['g-all', 'g-excluded'] });
    expect(f?.directoryRoleId).toBe('template-1');
    expect(f?.policies).toEqual([]);
  });

  it.each([
    {
      reason: 'no policy read: neither access asks for MFA',
      g: undefined,
      want: { member: false, owner: false },
    },
    {
      reason: 'member activation with MFA, owner without',
      g: {
        members: [],
        policies: [
          policy('member', ['MultiFactorAuthentication', 'Justification']),
          policy('owner', ['Justification']),
        ],
      },
      want: { member: true, owner: false },
    },
    {
      reason: 'values compared without case, as the service does',
      g: { members: [], policies: [policy('Owner', ['multifactorauthentication'])] },
      want: { member: false, owner: true },
    },
  ])('groupActivation: $reason', ({ g, want }) => {
    expect(groupActivationOf(g)).toEqual(want);
  });

  it('records the activation rule of every group a holding goes through', () => {
    const r = read({
      active: [inst(G.id, { assignmentType: 'Assigned' })],
      groups: {
        [G.id]: {
          members: ['u-ann'],
          eligible: [],
          active: [],
          policies: [policy('member', ['MultiFactorAuthentication'])],
        },
      },
    });
    expect(coverageByRole(r).get(ROLE)?.groupActivation).toEqual({
      [G.id]: { member: true, owner: false },
    });
  });

  it('shares one memberOf and one groupActivation record between the roles of a read', () => {
    // Thousands of roles whose holders hold many roles each: a record per role was memory for nothing. The
    // shared record names the holders of every role (ben, through the group, is in g-all too).
    const r = read({
      active: [
        inst('u-ann', { assignmentType: 'Assigned' }),
        { ...inst(G.id, { assignmentType: 'Assigned' }), roleDefinitionId: 'role-2' },
      ],
      groups: {
        'g-all': { members: ['u-ann', 'u-ben', 'u-cid'] },
        [G.id]: { members: ['u-ben'], eligible: [], active: [], policies: [] },
      },
    });
    const facts = coverageByRole(r);
    const one = facts.get(ROLE);
    const two = facts.get('role-2');
    expect(one?.memberOf).toBe(two?.memberOf);
    expect(one?.groupActivation).toBe(two?.groupActivation);
    expect(two?.groupActivation).toEqual({ [G.id]: { member: false, owner: false } });
    expect(one?.memberOf).toEqual({ 'u-ann': ['g-all'], 'u-ben': ['g-all', G.id] });
  });

  it('gives the group a role is held through its own groups, so that its eligible members count as in them', () => {
    // dora is only eligible to become a member of G; once she activates she is in G, and so in the group that
    // contains G. Coverage follows memberOf from the group she holds the role through (holder-groups.ts).
    const r = read({
      active: [inst(G.id, { assignmentType: 'Assigned' })],
      groups: {
        [G.id]: {
          members: [],
          eligible: [{ principalId: 'u-dora', groupId: G.id, accessId: 'member' }],
          active: [],
          policies: [],
        },
        'g-excluded': { members: [G.id] },
      },
    });
    const f = coverageByRole(r).get(ROLE);
    expect(f?.holdings.map((h) => `${h.path} ${h.principal.id}`)).toEqual(['GroupEligible u-dora']);
    expect(f?.memberOf).toEqual({ [G.id]: ['g-excluded'] });
  });

  it.each([
    { other: {}, same: true, reason: 'held the same way: one read-only object serves both roles' },
    { other: { endDateTime: '2027-01-01T00:00:00Z' }, same: false, reason: 'another end date' },
  ])('shares a holding between roles: $reason', ({ other, same }) => {
    const r = read({
      active: [
        inst('u-ann', { assignmentType: 'Assigned' }),
        { ...inst('u-ann', { assignmentType: 'Assigned', ...other }), roleDefinitionId: 'role-2' },
      ],
    });
    const facts = coverageByRole(r);
    const [a] = facts.get(ROLE)?.holdings ?? [];
    const [b] = facts.get('role-2')?.holdings ?? [];
    expect(a?.principal.id).toBe('u-ann');
    expect(b?.principal.id).toBe('u-ann');
    expect(a === b).toBe(same);
  });

  it('gives a role without holders no entry; emptyFacts is its observed-but-empty facts', () => {
    expect(coverageByRole(read({})).size).toBe(0);
    expect(emptyFacts('ABC')).toEqual({
      holdings: [],
      policies: [],
      memberOf: {},
      groupActivation: {},
      directoryRoleId: 'abc',
    });
  });
});

describe('principalFromObject', () => {
  it.each([
    {
      reason: 'a user keeps its UPN; ids are lower-cased',
      o: {
        '@odata.type': '#microsoft.graph.user',
        id: 'ABC',
        displayName: 'Ann',
        userPrincipalName: 'ann@x',
      },
      want: { id: 'abc', type: 'User', displayName: 'Ann', userPrincipalName: 'ann@x' },
    },
    {
      reason: 'a group has no UPN',
      o: { '@odata.type': '#microsoft.graph.group', id: 'g', displayName: 'Ops' },
      want: { id: 'g', type: 'Group', displayName: 'Ops' },
    },
    {
      reason: 'a service principal',
      o: { '@odata.type': '#microsoft.graph.servicePrincipal', id: 's', displayName: 'App' },
      want: { id: 's', type: 'ServicePrincipal', displayName: 'App' },
    },
    {
      reason:
        'an object returned with limited information (no permission for its type) is named by its id',
      o: { '@odata.type': '#microsoft.graph.user', id: 'u', displayName: null },
      want: { id: 'u', type: 'User', displayName: 'u' },
    },
  ])('$reason', ({ o, want }) => {
    expect(principalFromObject(o)).toEqual(want);
  });
});
