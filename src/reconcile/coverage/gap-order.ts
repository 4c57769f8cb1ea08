// Pure. How serious each kind of gap is, most serious first: the order in which HoldersCovered picks its reason
// and status lists the holders not covered.
import type { CoverageGap, CoveragePath } from '../../api/coverage.js';

/**
 * Most serious first: an exclusion is a deliberate hole in a policy that looks like it protects; standing access
 * without MFA needs nothing to be used; a group owner without MFA is one unasked step (adding themselves as a
 * member) from standing access; then group activation, direct grants, activation and sign-in without MFA;
 * a conditional cover last.
 */
export const GAP_ORDER: readonly CoverageGap[] = [
  'ExcludedByConditionalAccess',
  'StandingAccessWithoutMfa',
  'GroupOwnerWithoutMfa',
  'GroupActivationWithoutMfa',
  'DirectGrant',
  'ActivationWithoutMfa',
  'SignInWithoutMfa',
  'ConditionalCoverage',
];

/** The rank of a gap in GAP_ORDER (0 is the most serious). */
export function gapRank(gap: CoverageGap | undefined): number {
  const i = gap === undefined ? -1 : GAP_ORDER.indexOf(gap);
  return i < 0 ? GAP_ORDER.length : i;
}

/** Every coverage path, in the order status lists them (alphabetical). */
export const COVERAGE_PATHS: readonly CoveragePath[] = [
  'Active',
  'DirectGrant',
  'Eligible',
  'GroupActive',
  'GroupEligible',
  'GroupOwner',
  'SignIn',
];
