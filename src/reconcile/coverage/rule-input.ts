// Pure. What every coverage rule reads for one holding, and the two shapes of its answer.
import type { CoverageFacts, CoverageGap, Holding, HoldingCoverage } from '../../api/coverage.js';
import type { LiveRole } from '../../api/observation.js';
import { holderGroups } from './holder-groups.js';
import type { HolderFacts } from './policy-applicability.js';

/** One holding of a role, with the role and everything the provider observed about its holders. */
export interface RuleInput {
  holding: Holding;
  role: LiveRole;
  facts: CoverageFacts;
}

/** The holder as a Conditional Access users condition sees it. */
export function holderFacts(input: RuleInput, holdsRoleWhenEvaluated: boolean): HolderFacts {
  return {
    holding: input.holding,
    groups: holderGroups(input.holding, input.facts.memberOf),
    directoryRoleId: input.facts.directoryRoleId,
    holdsRoleWhenEvaluated,
  };
}

/** A covered holding. */
export function covered(holding: Holding, by: string, why: string): HoldingCoverage {
  return { holding, verdict: 'Covered', by, why };
}

/** A holding that is not covered, or covered only under conditions rolegate cannot judge. */
export function notCovered(
  holding: Holding,
  gap: CoverageGap,
  why: string,
  by?: string,
): HoldingCoverage {
  const verdict = gap === 'ConditionalCoverage' ? 'Conditional' : 'Uncovered';
  return by === undefined ? { holding, verdict, gap, why } : { holding, verdict, gap, by, why };
}
