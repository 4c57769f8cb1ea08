// Pure. The roles of a provider whose activation does not require MFA: the content of PIM's alert "Roles don't
// require multi-factor authentication for activation", computed from a snapshot for any provider.
import { compareText } from '../api/compare-text.js';
import { assessMfa, type LiveRole } from '../api/observation.js';
import { coverageCounts } from './coverage/assess-coverage.js';

/** One role without MFA on activation. */
export interface RoleWithoutMfa {
  roleId: string;
  roleDisplayName: string;
  severity: string;
}

/** The roles without MFA on activation, sorted by display name then id. */
export function rolesWithoutMfa(roles: readonly LiveRole[], severity = 'medium'): RoleWithoutMfa[] {
  return roles
    .filter((r) => !assessMfa(r).required)
    .map((r) => ({ roleId: r.roleId, roleDisplayName: r.roleDisplayName, severity }))
    .sort(
      (a, b) =>
        compareText(a.roleDisplayName, b.roleDisplayName) || compareText(a.roleId, b.roleId),
    );
}

/** Tenant-wide holder counts: holdings observed, and those whose use is not behind MFA (uncovered or conditional). */
export interface HolderCounts {
  holders: number;
  holdersWithoutMfa: number;
}

/**
 * Counts the holdings of every role whose holders the provider read; undefined when it read none (the counts are
 * then unknown, not zero).
 */
export function holderCounts(roles: readonly LiveRole[]): HolderCounts | undefined {
  let seen = false;
  let holders = 0;
  let holdersWithoutMfa = 0;
  for (const role of roles) {
    const c = coverageCounts(role);
    if (!c) continue;
    seen = true;
    holders += c.total;
    holdersWithoutMfa += c.uncovered + c.conditional;
  }
  return seen ? { holders, holdersWithoutMfa } : undefined;
}
