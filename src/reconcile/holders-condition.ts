// Pure. The HoldersCovered condition: whether every holder's use of a role is behind a second factor, beside
// MFAEnforced (PIM's activation alert, which speaks of activation only). Its reason is the most serious kind of
// gap, and its message names the count and the first holders, so the alert is actionable without opening status.
import type { RoleCoverage } from '../api/coverage.js';
import { ConditionType, Reason, type ConditionSpec } from '../api/conditions.js';
import type { LiveRole } from '../api/observation.js';
import { holderName } from './coverage/holder-name.js';
import { notCoveredHoldings } from './coverage/not-covered.js';

/** How many holders the message names. */
const NAMED = 3;

/**
 * The HoldersCovered condition for an observed role and its coverage. Unknown when the role or its holders were
 * not observed: never a True that was not proven.
 */
export function holdersCondition(
  live: LiveRole | undefined,
  coverage: RoleCoverage | undefined,
): ConditionSpec {
  const type = ConditionType.HoldersCovered;
  if (!live) {
    return {
      type,
      status: 'Unknown',
      reason: Reason.HoldersNotObserved,
      message: 'The role has not been observed, so neither have its holders',
    };
  }
  const name = live.roleDisplayName;
  if (!coverage) {
    return {
      type,
      status: 'Unknown',
      reason: Reason.HoldersNotObserved,
      message: `The provider did not report who holds ${name}; coverage is not judged`,
    };
  }
  const gaps = notCoveredHoldings(coverage);
  const first = gaps[0];
  if (!first) {
    const message =
      coverage.total === 0
        ? `${name} has no holders`
        : `All ${coverage.total} holdings of ${name} are behind MFA`;
    return { type, status: 'True', reason: Reason.AllHoldersCovered, message };
  }
  const named = gaps
    .slice(0, NAMED)
    .map((h) => `${holderName(h.holding.principal)} (${h.holding.path}: ${h.gap ?? h.verdict})`);
  const more = gaps.length > NAMED ? ` and ${gaps.length - NAMED} more` : '';
  const conditional =
    coverage.conditional > 0 ? `, ${coverage.conditional} of them only conditionally covered` : '';
  return {
    type,
    status: 'False',
    reason: first.gap ?? Reason.ConditionalCoverage,
    message: `${gaps.length} of ${coverage.total} holdings of ${name} are not behind MFA${conditional}: ${named.join(', ')}${more}`,
  };
}
