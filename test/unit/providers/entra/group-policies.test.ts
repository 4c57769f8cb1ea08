import { describe, expect, it } from 'vitest';
import { assessMfa } from '../../../../src/api/observation.js';
import { groupAccessOf, groupOfScope } from '../../../../src/api/role-target.js';
import { groupLiveRoles } from '../../../../src/providers/entra/group-policies.js';
import type { GraphPolicyAssignment, GraphRule } from '../../../../src/providers/entra/mapping.js';

const G = '0B5E4A7C-1D2F-4E3A-9B8C-7D6E5F4A3B2C';
const group = { id: G, displayName: 'Tier0 Security Operators' };
const enablement = (enabledRules: string[]): GraphRule => ({
  id: 'Enablement_EndUser_Assignment',
  enabledRules,
});
const assignment = (access: string, rules: GraphRule[] | undefined): GraphPolicyAssignment => ({
  id: `Group_${G}_${access}`,
  policyId: `Group_${G}_${access}-policy`,
  scopeId: G,
  scopeType: 'Group',
  roleDefinitionId: access,
  ...(rules ? { policy: { id: `Group_${G}_${access}-policy`, rules } } : { policy: null }),
});

describe('PIM for Groups policies as LiveRoles', () => {
  const cases: {
    name: string;
    reason: string;
    assignments: GraphPolicyAssignment[];
    want: Array<{ scope: string; handle: string; mfa: boolean }>;
  }[] = [
    {
      name: 'MemberWithoutMfa',
      reason: 'the member policy without MFA on activation is a role whose activation rule is off',
      assignments: [assignment('member', [enablement(['Justification'])])],
      want: [
        {
          scope: `/groups/${G.toLowerCase()}/member`,
          handle: `Group_${G}_member-policy`,
          mfa: false,
        },
      ],
    },
    {
      name: 'OwnerWithMfa',
      reason:
        'the owner policy with MultiFactorAuthentication (any case) counts as MFA on activation',
      assignments: [assignment('Owner', [enablement(['multifactorauthentication'])])],
      want: [
        {
          scope: `/groups/${G.toLowerCase()}/owner`,
          handle: `Group_${G}_Owner-policy`,
          mfa: true,
        },
      ],
    },
    {
      name: 'UnknownAccessAndMissingPolicy',
      reason:
        'an assignment of an access rolegate does not know, or without its policy, is no role',
      assignments: [assignment('approver', [enablement([])]), assignment('member', undefined)],
      want: [],
    },
  ];
  it.each(cases)('$name: $reason', ({ assignments, want }) => {
    const roles = groupLiveRoles([{ group, assignments }]);
    expect(
      roles.map((r) => ({ scope: r.scope, handle: r.handle, mfa: assessMfa(r).required })),
    ).toEqual(want);
    for (const r of roles) {
      expect(r.roleId).toBe(G.toLowerCase());
      expect(r.roleDisplayName).toBe(`${group.displayName} (${r.scope.split('/')[3]})`);
      expect(r.requirements[0]?.path).toBe('Eligible');
    }
  });
});

describe('group scopes', () => {
  it.each([
    { scope: '/groups/member', access: 'member', reason: 'the lookup scope of spec.group member' },
    { scope: '/groups/owner/', access: 'owner', reason: 'a trailing slash means nothing' },
    { scope: '/', access: undefined, reason: 'the directory scope is no group scope' },
    { scope: '/groups/approver', access: undefined, reason: 'only member and owner exist' },
  ])('groupAccessOf($scope): $reason', ({ scope, access }) => {
    expect(groupAccessOf(scope)).toBe(access);
  });

  it.each([
    {
      scope: `/groups/${G}/member`,
      want: { groupId: G.toLowerCase(), access: 'member' },
      reason: "a group access LiveRole's scope names the group",
    },
    {
      scope: '/subscriptions/1/resourceGroups/groups',
      want: undefined,
      reason: 'an Azure scope is not a group access',
    },
    { scope: '/groups/member', want: undefined, reason: 'the lookup scope names no group yet' },
  ])('groupOfScope($scope): $reason', ({ scope, want }) => {
    expect(groupOfScope(scope)).toEqual(want);
  });
});
