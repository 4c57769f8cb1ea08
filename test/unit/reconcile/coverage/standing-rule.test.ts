import { describe, it } from 'vitest';
import { standingCoverage } from '../../../../src/reconcile/coverage/standing-rule.js';
import { contextPolicy, GA, holding, policy, set, user, viaGroup } from './fixtures.js';
import { checkRule, type RuleCase } from './rule-table.js';

const bob = holding(user('bob'), 'Active');
const viaOps = holding(user('carol'), 'GroupActive', { via: viaGroup('ops') });

const cases: RuleCase[] = [
  {
    name: 'no policy',
    reason: 'a standing holder never activates: without Conditional Access nothing asks',
    holding: bob,
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'activation rule does not cover',
    reason: "PIM's activation rule never asks a holder who does not activate",
    holding: bob,
    role: { mfaRule: true },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'assignment rule does not cover',
    reason: 'MFA on active assignment asks the assigning administrator, not the holder',
    holding: bob,
    role: { assignmentMfa: true },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'all users policy',
    reason: 'an enabled all-apps policy requiring MFA of all users covers',
    holding: bob,
    facts: { policies: [policy()] },
    verdict: 'Covered',
    by: "'Admins MFA'",
  },
  {
    name: 'policy by role',
    reason: 'includeRoles naming the role reaches its standing holders',
    holding: bob,
    facts: { policies: [policy({ include: set({ roles: [GA] }) })] },
    verdict: 'Covered',
  },
  {
    name: 'policy by group, nested',
    reason: 'includeGroups names a group the holder is in through another group',
    holding: bob,
    facts: {
      policies: [policy({ include: set({ groups: ['g-admins'] }) })],
      memberOf: { 'u-bob': ['g-tier0'], 'g-tier0': ['g-admins'] },
    },
    verdict: 'Covered',
  },
  {
    name: 'report-only',
    reason: 'a report-only policy never covers',
    holding: bob,
    facts: { policies: [policy({ state: 'enabledForReportingButNotEnforced' })] },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'disabled',
    reason: 'a disabled policy never covers',
    holding: bob,
    facts: { policies: [policy({ state: 'disabled' })] },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'some apps',
    reason: 'a policy for some apps does not see the use of the role',
    holding: bob,
    facts: { policies: [policy({ applications: { scope: 'Some', authenticationContexts: [] } })] },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'context policy',
    reason: 'a policy for an authentication context is not asked at ordinary sign-in',
    holding: bob,
    role: { authenticationContext: { claimValue: 'c1', policy: 'RequiresMfa' } },
    facts: { policies: [contextPolicy('c1')] },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'excluded by user',
    reason: 'the only MFA policy excludes the holder by name',
    holding: bob,
    facts: { policies: [policy({ exclude: set({ users: ['u-bob'] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
    why: "'Admins MFA'",
  },
  {
    name: 'excluded by nested group',
    reason: 'exclusion through a group of a group the holder is in',
    holding: bob,
    facts: {
      policies: [policy({ exclude: set({ groups: ['g-breakglass'] }) })],
      memberOf: { 'u-bob': ['g-emergency'], 'g-emergency': ['g-breakglass'] },
    },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
  },
  {
    name: 'excluded by role',
    reason: 'excludeRoles naming the role removes its standing holders',
    holding: bob,
    facts: { policies: [policy({ exclude: set({ roles: [GA] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
  },
  {
    name: 'conditional only',
    reason: 'the only policy applies from some locations: coverage is conditional, never covered',
    holding: bob,
    facts: { policies: [policy({ unjudged: ['locations', 'platforms'] })] },
    verdict: 'Conditional',
    gap: 'ConditionalCoverage',
    why: 'locations, platforms',
  },
  {
    name: 'conditional and plain',
    reason: 'a plain cover wins over a conditional one',
    holding: bob,
    facts: {
      policies: [
        policy({ id: 'p-a', displayName: 'A locations', unjudged: ['locations'] }),
        policy({ id: 'p-b', displayName: 'B all' }),
      ],
    },
    verdict: 'Covered',
    by: "'B all'",
  },
  {
    name: 'conditional and excluded',
    reason: 'a conditional cover is reported before an exclusion by another policy',
    holding: bob,
    facts: {
      policies: [
        policy({ id: 'p-a', displayName: 'A excl', exclude: set({ users: ['u-bob'] }) }),
        policy({ id: 'p-b', displayName: 'B locations', unjudged: ['locations'] }),
      ],
    },
    verdict: 'Conditional',
    gap: 'ConditionalCoverage',
  },
  {
    name: 'service principal',
    reason: 'an application with a standing assignment is not asked by user policies',
    holding: holding({ id: 'sp-1', type: 'ServicePrincipal', displayName: 'deploy' }, 'Active'),
    facts: { policies: [policy()] },
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
  {
    name: 'group active, policy for the group',
    reason: 'a policy naming the group the role is held through names its members',
    holding: viaOps,
    facts: { policies: [policy({ include: set({ groups: ['g-ops'] }) })] },
    verdict: 'Covered',
  },
  {
    name: 'group active, group excluded',
    reason: 'a policy excluding the group the role is held through excludes its members',
    holding: viaOps,
    facts: { policies: [policy({ exclude: set({ groups: ['g-ops'] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
  },
  {
    name: 'group active, no policy',
    reason: 'an active group member is standing access like any other',
    holding: viaOps,
    verdict: 'Uncovered',
    gap: 'StandingAccessWithoutMfa',
  },
];

describe('standing access coverage rule (Active, GroupActive)', () => {
  it.each(cases)('$name: $reason', (c) => checkRule(standingCoverage, c));
});
