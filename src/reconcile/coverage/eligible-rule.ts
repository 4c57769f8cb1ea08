// Pure. The coverage rule for eligible holders (path Eligible): they activate the role before using it, so what
// asks them for a second factor is the activation: PIM's activation rule, or the authentication context the role
// demands on activation when a Conditional Access policy targeting that context requires MFA and applies to them.
// A policy targeting another context, or all cloud apps, is not asked at activation and does not count here.
import type { HoldingCoverage } from '../../api/coverage.js';
import { authenticationContext, type LiveRole } from '../../api/observation.js';
import { policyCoverage } from './policy-coverage.js';
import { fromPolicyCoverage } from './standing-rule.js';
import { covered, holderFacts, notCovered, type RuleInput } from './rule-input.js';

/** The provider's switch on the Eligible path (PIM's activation rule), if the role has one. */
function activationSwitch(role: LiveRole): { name: string; enabled: boolean } | undefined {
  const req = role.requirements.find((r) => r.path === 'Eligible');
  const sw = req?.mechanisms.find((m) => m.kind === 'Switch');
  return sw?.kind === 'Switch' ? { name: sw.name, enabled: sw.enabled } : undefined;
}

/** Judges an eligible holding. */
export function eligibleCoverage(input: RuleInput): HoldingCoverage {
  const sw = activationSwitch(input.role);
  if (sw?.enabled) {
    return covered(
      input.holding,
      'activation rule',
      `Activation of ${input.role.roleDisplayName} requires MFA (PIM's activation rule)`,
    );
  }
  const ctx = authenticationContext(input.role);
  if (ctx) {
    // An eligible holder is not in the role while activating: includeRoles does not reach them.
    const c = policyCoverage(
      input.facts,
      { kind: 'Context', claimValue: ctx.claimValue },
      holderFacts(input, false),
    );
    if (c.kind !== 'None') return fromPolicyCoverage(input, c);
  }
  const context = ctx
    ? `, and no Conditional Access policy for authentication context ${ctx.claimValue} requires MFA of this holder`
    : ' and no authentication context is required';
  return notCovered(
    input.holding,
    'ActivationWithoutMfa',
    `Activation of ${input.role.roleDisplayName} does not require MFA${context}`,
  );
}
