// Pure. The holdings of a role that are not behind MFA, most serious first: the order in which the HoldersCovered
// condition names holders and status lists them, so the first few shown are the ones to look at first.
import type { HoldingCoverage, RoleCoverage } from '../../api/coverage.js';
import { gapRank } from './gap-order.js';
import { compareByHolder } from './holder-name.js';

/** The holdings not Covered: Uncovered before Conditional, then by gap (GAP_ORDER), holder name, id and path. */
export function notCoveredHoldings(coverage: RoleCoverage): HoldingCoverage[] {
  return coverage.holdings.filter((h) => h.verdict !== 'Covered').sort(compareNotCovered);
}

function compareNotCovered(a: HoldingCoverage, b: HoldingCoverage): number {
  const verdict = (h: HoldingCoverage): number => (h.verdict === 'Uncovered' ? 0 : 1);
  return verdict(a) - verdict(b) || gapRank(a.gap) - gapRank(b.gap) || compareByHolder(a, b);
}
