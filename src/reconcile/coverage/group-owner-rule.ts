// Pure. The coverage rule for owners of a role-assignable group that holds the role (path GroupOwner). Owners manage
// the group's membership ("you can delegate the management of role-assignable groups by adding group owners":
// https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept), so an owner can add
// themselves as a standing member and use the role. Whatever asked them for MFA when they became owner (the
// group's owner activation rule) does not ask again when they use the membership they granted themselves, so:
// - a group assigned the role actively: covered only as a standing holder is, by Conditional Access;
// - a group eligible for the role: the member they become still activates the role, so the role's activation
//   rule (or its authentication context) covers them too.
import type { HoldingCoverage } from '../../api/coverage.js';
import { eligibleCoverage } from './eligible-rule.js';
import { notCovered, type RuleInput } from './rule-input.js';
import { fromPolicyCoverage, standingPolicyCoverage } from './standing-rule.js';

/** Judges an owner of a group through which the role is held. */
export function groupOwnerCoverage(input: RuleInput): HoldingCoverage {
  const via = input.holding.via;
  const name = via?.kind === 'Group' ? `group '${via.displayName}'` : 'the group';
  const c = standingPolicyCoverage(input);
  if (c.kind === 'Covered') return fromPolicyCoverage(input, c);
  if (input.holding.groupEligibleForRole === true) {
    const activation = eligibleCoverage(input);
    if (activation.verdict === 'Covered') return activation;
  }
  if (c.kind !== 'None') return fromPolicyCoverage(input, c);
  const activation =
    input.holding.groupEligibleForRole === true
      ? `, activation of ${input.role.roleDisplayName} does not require MFA`
      : '';
  return notCovered(
    input.holding,
    'GroupOwnerWithoutMfa',
    `An owner of ${name} can make themselves a member${activation}, and no enabled Conditional Access policy for all cloud apps requires MFA of this holder`,
  );
}
