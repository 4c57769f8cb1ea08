// Pure. The coverage rule for standing access (paths Active and GroupActive): a standing holder never activates,
// so no PIM rule asks them anything; only an enabled Conditional Access policy for all cloud apps that requires MFA
// and applies to them covers their use of the role. PIM's MFA-on-active-assignment rule does not: it asks the
// administrator who makes the assignment, not the holder who uses it.
import type { HoldingCoverage } from '../../api/coverage.js';
import {
  conditionalWords,
  exclusionWords,
  policyCoverage,
  policyWords,
  type PolicyCoverage,
} from './policy-coverage.js';
import { covered, holderFacts, notCovered, type RuleInput } from './rule-input.js';

/** Judges a standing holding (Active, GroupActive) by Conditional Access alone. */
export function standingCoverage(input: RuleInput): HoldingCoverage {
  const c = standingPolicyCoverage(input);
  return c.kind === 'None'
    ? notCovered(
        input.holding,
        'StandingAccessWithoutMfa',
        'Standing access never activates, and no enabled Conditional Access policy for all cloud apps requires MFA of this holder',
      )
    : fromPolicyCoverage(input, c);
}

/** What Conditional Access does for a holder who uses the role while holding it. */
export function standingPolicyCoverage(input: RuleInput): PolicyCoverage {
  return policyCoverage(input.facts, { kind: 'AllApps' }, holderFacts(input, true));
}

/** The verdict for a policy outcome that is not None. */
export function fromPolicyCoverage(
  input: RuleInput,
  c: Exclude<PolicyCoverage, { kind: 'None' }>,
): HoldingCoverage {
  const by = policyWords(c.policy);
  switch (c.kind) {
    case 'Covered':
      return covered(input.holding, by, `${by} requires MFA of this holder`);
    case 'Conditional':
      return notCovered(input.holding, 'ConditionalCoverage', conditionalWords(c.policy), by);
    case 'Excluded':
      return notCovered(input.holding, 'ExcludedByConditionalAccess', exclusionWords(c));
  }
}
