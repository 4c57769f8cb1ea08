import { describe, it } from 'vitest';
import { groupOwnerCoverage } from '../../../../src/reconcile/coverage/group-owner-rule.js';
import { contextPolicy, GA, holding, policy, set, user, viaGroup } from './fixtures.js';
import { checkRule, type RuleCase } from './rule-table.js';

const olga = holding(user('olga'), 'GroupOwner', { via: viaGroup('ops') });
const olgaOfEligible = holding(user('olga'), 'GroupOwner', {
  via: viaGroup('ops'),
  groupEligibleForRole: true,
});

const cases: RuleCase[] = [
  {
    name: 'no policy',
    reason:
      'an owner can add themselves as a standing member: without Conditional Access nothing asks',
    holding: olga,
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
    why: "group 'ops'",
  },
  {
    name: 'owner activation MFA does not cover',
    reason:
      'MFA on activating ownership asks once, not when the owner later uses the membership they granted themselves',
    holding: olga,
    facts: { groupActivation: { 'g-ops': { member: true, owner: true } } },
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
  },
  {
    name: 'role activation rule, group assigned actively',
    reason: 'a member of a group assigned the role actively never activates the role',
    holding: olga,
    role: { mfaRule: true },
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
  },
  {
    name: 'role activation rule, group eligible',
    reason:
      'a member of a group eligible for the role still activates it, and activation asks for MFA',
    holding: olgaOfEligible,
    role: { mfaRule: true },
    verdict: 'Covered',
    by: 'activation rule',
  },
  {
    name: 'group eligible, no activation MFA',
    reason: 'the activation of the role asks nothing and no policy applies',
    holding: olgaOfEligible,
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
    why: 'activation of Global Administrator does not require MFA',
  },
  {
    name: 'group eligible, authentication context',
    reason: "the role's authentication context policy asks the member at activation",
    holding: olgaOfEligible,
    role: { authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } },
    facts: { policies: [contextPolicy('c1')] },
    verdict: 'Covered',
    by: "'Context c1'",
  },
  {
    name: 'all users policy',
    reason:
      'an enabled all-apps MFA policy that applies covers them as it covers a standing holder',
    holding: olga,
    facts: { policies: [policy()] },
    verdict: 'Covered',
    by: "'Admins MFA'",
  },
  {
    name: 'policy by role',
    reason: 'once a member, the owner holds the role when signing in: includeRoles reaches them',
    holding: olga,
    facts: { policies: [policy({ include: set({ roles: [GA] }) })] },
    verdict: 'Covered',
  },
  {
    name: 'policy for the group',
    reason: 'a policy naming the group names its members, which the owner becomes',
    holding: olga,
    facts: { policies: [policy({ include: set({ groups: ['g-ops'] }) })] },
    verdict: 'Covered',
  },
  {
    name: 'excluded by user',
    reason:
      'the only MFA policy excludes the owner: the exclusion is reported, the more serious gap',
    holding: olga,
    facts: { policies: [policy({ exclude: set({ users: ['u-olga'] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
  },
  {
    name: 'excluded, but the role activation covers',
    reason:
      'for a group eligible for the role, activation asks for MFA whatever Conditional Access excludes',
    holding: olgaOfEligible,
    role: { mfaRule: true },
    facts: { policies: [policy({ exclude: set({ users: ['u-olga'] }) })] },
    verdict: 'Covered',
    by: 'activation rule',
  },
  {
    name: 'conditional only',
    reason: 'a policy with unjudged conditions gives conditional coverage, never covered',
    holding: olga,
    facts: { policies: [policy({ unjudged: ['locations'] })] },
    verdict: 'Conditional',
    gap: 'ConditionalCoverage',
  },
  {
    name: 'report-only',
    reason: 'a report-only policy never covers',
    holding: olga,
    facts: { policies: [policy({ state: 'enabledForReportingButNotEnforced' })] },
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
  },
  {
    name: 'service principal owner',
    reason: 'user policies do not apply to an application that owns the group',
    holding: holding(
      { id: 'sp-1', type: 'ServicePrincipal', displayName: 'deploy' },
      'GroupOwner',
      {
        via: viaGroup('ops'),
      },
    ),
    facts: { policies: [policy()] },
    verdict: 'Uncovered',
    gap: 'GroupOwnerWithoutMfa',
  },
];

describe('group owner coverage rule (GroupOwner)', () => {
  it.each(cases)('$name: $reason', (c) => checkRule(groupOwnerCoverage, c));
});
