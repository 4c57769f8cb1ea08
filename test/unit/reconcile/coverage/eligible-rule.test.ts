import { describe, it } from 'vitest';
import { eligibleCoverage } from '../../../../src/reconcile/coverage/eligible-rule.js';
import { contextPolicy, GA, holding, policy, set, user } from './fixtures.js';
import { checkRule, type RuleCase } from './rule-table.js';

const alice = holding(user('alice'), 'Eligible');
const c1 = { claimValue: 'c1', policy: 'RequiresMfa' as const };

const cases: RuleCase[] = [
  {
    name: 'activation rule on',
    reason: 'PIM asks every eligible holder for MFA when they activate',
    holding: alice,
    role: { mfaRule: true },
    verdict: 'Covered',
    by: 'activation rule',
  },
  {
    name: 'activation rule off',
    reason: 'nothing asks at activation',
    holding: alice,
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
    why: 'no authentication context',
  },
  {
    name: 'all-apps policy only',
    reason:
      'a policy for all cloud apps is not what PIM asks at activation: not counted for eligible holders',
    holding: alice,
    facts: { policies: [policy()] },
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
  },
  {
    name: 'context with MFA policy',
    reason:
      'the role demands c1 on activation and an enabled policy for c1 requires MFA of all users',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1')] },
    verdict: 'Covered',
    by: "'Context c1'",
  },
  {
    name: 'context policy for another claim',
    reason: 'a policy for c2 does not cover a role that demands c1',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c2')] },
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
    why: 'authentication context c1',
  },
  {
    name: 'context policy without a context on the role',
    reason: 'a policy for c1 covers nobody while the role does not demand c1',
    holding: alice,
    facts: { policies: [contextPolicy('c1')] },
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
  },
  {
    name: 'context policy excludes the holder',
    reason: 'the only MFA policy for c1 excludes the holder by name',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1', { exclude: set({ users: ['u-alice'] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
    why: 'excludes the holder by name',
  },
  {
    name: 'context policy excludes a nested group',
    reason: 'exclusion by a group the holder is in through another group',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: {
      policies: [contextPolicy('c1', { exclude: set({ groups: ['g-breakglass'] }) })],
      memberOf: { 'u-alice': ['g-emergency'], 'g-emergency': ['g-breakglass'] },
    },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
    why: 'g-breakglass',
  },
  {
    name: 'excluded by one, covered by another',
    reason: 'a second policy for c1 that includes the holder covers them',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: {
      policies: [
        contextPolicy('c1', { exclude: set({ users: ['u-alice'] }) }),
        contextPolicy('c1', {
          id: 'p-alice',
          displayName: 'Alice c1',
          include: set({ users: ['u-alice'] }),
        }),
      ],
    },
    verdict: 'Covered',
    by: "'Alice c1'",
  },
  {
    name: 'context policy report-only',
    reason: 'a report-only policy for c1 asks nobody',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1', { state: 'enabledForReportingButNotEnforced' })] },
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
  },
  {
    name: 'context policy with unjudged conditions',
    reason: 'a policy for c1 limited to some locations covers only conditionally',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1', { unjudged: ['locations'] })] },
    verdict: 'Conditional',
    gap: 'ConditionalCoverage',
    why: 'locations',
  },
  {
    name: 'context policy by role',
    reason: 'includeRoles does not reach a holder who is not in the role while activating',
    holding: alice,
    role: { authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1', { include: set({ roles: [GA] }) })] },
    verdict: 'Uncovered',
    gap: 'ActivationWithoutMfa',
  },
  {
    name: 'activation rule on and excluded from the context policy',
    reason: 'the activation rule asks regardless of Conditional Access',
    holding: alice,
    role: { mfaRule: true, authenticationContext: c1 },
    facts: { policies: [contextPolicy('c1', { exclude: set({ users: ['u-alice'] }) })] },
    verdict: 'Covered',
    by: 'activation rule',
  },
];

describe('eligible coverage rule', () => {
  it.each(cases)('$name: $reason', (c) => checkRule(eligibleCoverage, c));
});
