// Pure. What the tenant's Conditional Access policies, together, do for one holder on one use of a role: the
// strongest outcome over every policy, with the policy that gave it (policies in name order, so the one named is
// deterministic).
import { compareText } from '../../api/compare-text.js';
import type { AccessPolicy, CoverageFacts } from '../../api/coverage.js';
import {
  policyApplicability,
  type HolderFacts,
  type PolicyTarget,
} from './policy-applicability.js';

/** The combined outcome, strongest first: a plain cover, a conditional one, an exclusion, nothing. */
export type PolicyCoverage =
  | { kind: 'Covered'; policy: AccessPolicy }
  | { kind: 'Conditional'; policy: AccessPolicy }
  | { kind: 'Excluded'; policy: AccessPolicy; by: 'user' | 'group' | 'role'; id: string }
  | { kind: 'None' };

const sorted = new WeakMap<readonly AccessPolicy[], AccessPolicy[]>();

/** The policies in a deterministic order: display name, then id (sorted once per list: every holder asks). */
export function sortedPolicies(policies: readonly AccessPolicy[]): AccessPolicy[] {
  let out = sorted.get(policies);
  if (!out) {
    out = [...policies].sort(
      (a, b) => compareText(a.displayName, b.displayName) || compareText(a.id, b.id),
    );
    sorted.set(policies, out);
  }
  return out;
}

/**
 * Evaluates every policy for the holder. One policy that applies without unjudged conditions covers; otherwise
 * one with unjudged conditions covers conditionally; otherwise a policy that would have applied but for an
 * exclusion is reported; otherwise none.
 */
export function policyCoverage(
  facts: Pick<CoverageFacts, 'policies'>,
  target: PolicyTarget,
  holder: HolderFacts,
): PolicyCoverage {
  let conditional: PolicyCoverage | undefined;
  let excluded: PolicyCoverage | undefined;
  for (const policy of sortedPolicies(facts.policies)) {
    const a = policyApplicability(policy, target, holder);
    if (a.kind === 'Applies' && !a.conditional) return { kind: 'Covered', policy };
    if (a.kind === 'Applies') conditional ??= { kind: 'Conditional', policy };
    if (a.kind === 'Excluded') excluded ??= { kind: 'Excluded', policy, by: a.by, id: a.id };
  }
  return conditional ?? excluded ?? { kind: 'None' };
}

/** "policy 'Admins MFA'", for `by` and messages. */
export function policyWords(policy: AccessPolicy): string {
  return `Conditional Access policy '${policy.displayName}'`;
}

/** Why an excluded holder is excluded, in words. */
export function exclusionWords(c: Extract<PolicyCoverage, { kind: 'Excluded' }>): string {
  const how =
    c.by === 'user'
      ? 'by name'
      : c.by === 'group'
        ? `through group ${c.id}`
        : `through role ${c.id}`;
  return `${policyWords(c.policy)} would require MFA but excludes the holder ${how}`;
}

/** Why a conditional cover is conditional, in words. */
export function conditionalWords(policy: AccessPolicy): string {
  return `${policyWords(policy)} requires MFA only under conditions rolegate cannot judge (${policy.unjudged.join(', ')})`;
}
