// Pure. The coverage rule for eligible members of a role-assignable group (path GroupEligible): they activate
// their membership of the group (PIM for Groups), so the group's member activation rule asks them; failing that,
// Conditional Access covers their use of the role as it covers standing access. The owner activation rule makes
// one an owner, not a member: only the member rule counts here (owners are judged on their own path, GroupOwner).
import type { HoldingCoverage } from '../../api/coverage.js';
import { covered, notCovered, type RuleInput } from './rule-input.js';
import { fromPolicyCoverage, standingPolicyCoverage } from './standing-rule.js';

/** Judges an eligible group membership through which the role is held. */
export function groupEligibleCoverage(input: RuleInput): HoldingCoverage {
  const via = input.holding.via;
  const group = via?.kind === 'Group' ? via : undefined;
  const rule = group
    ? (input.facts.groupActivation[group.id] ?? input.facts.groupActivation[group.id.toLowerCase()])
    : undefined;
  if (group && rule?.member) {
    return covered(
      input.holding,
      `activation rule of group '${group.displayName}'`,
      `Activating membership of group '${group.displayName}' requires MFA (PIM for Groups)`,
    );
  }
  const c = standingPolicyCoverage(input);
  if (c.kind !== 'None') return fromPolicyCoverage(input, c);
  const name = group ? `group '${group.displayName}'` : 'the group';
  return notCovered(
    input.holding,
    'GroupActivationWithoutMfa',
    `Activating membership of ${name} does not require MFA, and no enabled Conditional Access policy for all cloud apps requires MFA of this holder`,
  );
}
