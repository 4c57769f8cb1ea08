import { describe, it } from 'vitest';
import { groupEligibleCoverage } from '../../../../src/reconcile/coverage/group-eligible-rule.js';
import { holding, policy, set, user, viaGroup } from './fixtures.js';
import { checkRule, type RuleCase } from './rule-table.js';

const dave = holding(user('dave'), 'GroupEligible', { via: viaGroup('ops') });

const cases: RuleCase[] = [
  {
    name: 'member activation MFA',
    reason: "the group's PIM-for-Groups member activation asks for MFA",
    holding: dave,
    facts: { groupActivation: { 'g-ops': { member: true, owner: false } } },
    verdict: 'Covered',
    by: "group 'ops'",
  },
  {
    name: 'owner activation only',
    reason:
      'owner access makes one an owner, not a member: it does not cover the role held through membership',
    holding: dave,
    facts: { groupActivation: { 'g-ops': { member: false, owner: true } } },
    verdict: 'Uncovered',
    gap: 'GroupActivationWithoutMfa',
  },
  {
    name: 'no group policy read',
    reason: 'a group whose activation rule was not observed is not assumed covered',
    holding: dave,
    verdict: 'Uncovered',
    gap: 'GroupActivationWithoutMfa',
    why: "group 'ops'",
  },
  {
    name: 'role activation rule does not cover',
    reason: "the role's own activation rule is not asked when the role is held through a group",
    holding: dave,
    role: { mfaRule: true },
    verdict: 'Uncovered',
    gap: 'GroupActivationWithoutMfa',
  },
  {
    name: 'Conditional Access covers',
    reason: 'without group activation MFA, an all-apps MFA policy that applies covers their use',
    holding: dave,
    facts: { policies: [policy()] },
    verdict: 'Covered',
    by: "'Admins MFA'",
  },
  {
    name: 'Conditional Access excludes',
    reason: 'the only MFA policy excludes the group: the exclusion is reported',
    holding: dave,
    facts: { policies: [policy({ exclude: set({ groups: ['g-ops'] }) })] },
    verdict: 'Uncovered',
    gap: 'ExcludedByConditionalAccess',
  },
  {
    name: 'Conditional Access conditional',
    reason: 'a policy with unjudged conditions gives conditional coverage',
    holding: dave,
    facts: { policies: [policy({ unjudged: ['signInRiskLevels'] })] },
    verdict: 'Conditional',
    gap: 'ConditionalCoverage',
  },
  {
    name: 'no via',
    reason: 'a holding whose group is unknown cannot be judged by a group rule',
    holding: holding(user('erin'), 'GroupEligible'),
    facts: { groupActivation: { 'g-ops': { member: true, owner: true } } },
    verdict: 'Uncovered',
    gap: 'GroupActivationWithoutMfa',
  },
];

describe('eligible group member coverage rule (GroupEligible)', () => {
  it.each(cases)('$name: $reason', (c) => checkRule(groupEligibleCoverage, c));
});
