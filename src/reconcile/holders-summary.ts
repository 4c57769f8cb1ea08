// Pure. The bounded summary of a role's holders in status.atProvider.holders: complete counts, counts by path,
// and the first holders not behind MFA (most serious first), so that a role with 10,000 holders costs a few
// hundred bytes of status, not megabytes.
import { compareText } from '../api/compare-text.js';
import type { RoleCoverage } from '../api/coverage.js';
import type { PrivilegedRoleStatus } from '../api/v1alpha1/types.js';
import { notCoveredHoldings } from './coverage/not-covered.js';

/** status.atProvider.holders */
export type HoldersSummary = NonNullable<
  NonNullable<PrivilegedRoleStatus['atProvider']>['holders']
>;

/** How many holders not behind MFA status lists by name (the CRD's maxItems). */
export const NOT_COVERED_LISTED = 20;

/** Summarises a role's coverage for status. */
export function holdersSummary(coverage: RoleCoverage): HoldersSummary {
  const byPath = new Map<
    string,
    { path: string; total: number; uncovered: number; conditional: number }
  >();
  for (const h of coverage.holdings) {
    const path = h.holding.path;
    const row = byPath.get(path) ?? { path, total: 0, uncovered: 0, conditional: 0 };
    row.total++;
    if (h.verdict === 'Uncovered') row.uncovered++;
    if (h.verdict === 'Conditional') row.conditional++;
    byPath.set(path, row);
  }
  const notCovered = notCoveredHoldings(coverage)
    .slice(0, NOT_COVERED_LISTED)
    .map((h) => {
      const p = h.holding.principal;
      const row: NonNullable<HoldersSummary['notCovered']>[number] = {
        id: p.id,
        type: p.type,
        displayName: p.displayName,
        path: h.holding.path,
        verdict: h.verdict === 'Conditional' ? 'Conditional' : 'Uncovered',
        reason: h.gap ?? 'ConditionalCoverage',
      };
      if (p.userPrincipalName !== undefined) row.userPrincipalName = p.userPrincipalName;
      if (h.holding.via) row.via = h.holding.via.displayName || h.holding.via.id;
      return row;
    });
  const out: HoldersSummary = {
    total: coverage.total,
    covered: coverage.covered,
    conditional: coverage.conditional,
    uncovered: coverage.uncovered,
    byPath: [...byPath.values()].sort((a, b) => compareText(a.path, b.path)),
  };
  if (notCovered.length > 0) out.notCovered = notCovered;
  return out;
}
