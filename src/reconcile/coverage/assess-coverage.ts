// Pure. One verdict per holding of a role, from the facts its provider observed: the entry point of the coverage
// rules, one rule per path.
import type { CoveragePath, HoldingCoverage, RoleCoverage } from '../../api/coverage.js';
import type { LiveRole } from '../../api/observation.js';
import { eligibleCoverage } from './eligible-rule.js';
import { groupEligibleCoverage } from './group-eligible-rule.js';
import { groupOwnerCoverage } from './group-owner-rule.js';
import { compareByHolder } from './holder-name.js';
import type { RuleInput } from './rule-input.js';
import { directGrantCoverage, signInCoverage } from './sign-in-rule.js';
import { standingCoverage } from './standing-rule.js';

/** The rule that judges each path. */
const RULES: Readonly<Record<CoveragePath, (input: RuleInput) => HoldingCoverage>> = {
  Eligible: eligibleCoverage,
  Active: standingCoverage,
  GroupActive: standingCoverage,
  GroupEligible: groupEligibleCoverage,
  GroupOwner: groupOwnerCoverage,
  SignIn: signInCoverage,
  DirectGrant: directGrantCoverage,
};

/**
 * Judges every holding of a role. Undefined when the provider did not read holders (`role.coverage` absent):
 * coverage is then not judged, never assumed. Holdings come out sorted by holder name, id, path and `via`, so the
 * same facts always give the same list.
 */
export function assessCoverage(role: LiveRole): RoleCoverage | undefined {
  const verdicts = judgeHoldings(role);
  return verdicts && tally(verdicts.sort(compareByHolder));
}

/**
 * The counts of {@link assessCoverage} without the sorted list, for tenant-wide totals: the same verdicts, without
 * sorting every holding of every role only to count them.
 */
export function coverageCounts(role: LiveRole): Omit<RoleCoverage, 'holdings'> | undefined {
  const verdicts = judgeHoldings(role);
  if (!verdicts) return undefined;
  const { holdings: _, ...counts } = tally(verdicts);
  return counts;
}

/** Each holding's verdict, in the facts' order; undefined when holders were not read. */
function judgeHoldings(role: LiveRole): HoldingCoverage[] | undefined {
  const facts = role.coverage;
  return facts?.holdings.map((holding) => RULES[holding.path]({ holding, role, facts }));
}

function tally(holdings: HoldingCoverage[]): RoleCoverage {
  let covered = 0;
  let conditional = 0;
  let uncovered = 0;
  for (const h of holdings) {
    if (h.verdict === 'Covered') covered++;
    else if (h.verdict === 'Conditional') conditional++;
    else uncovered++;
  }
  return { holdings, total: holdings.length, covered, conditional, uncovered };
}
