// The accounts behind a provider's privileged roles whose use is not (or only conditionally) behind a second
// factor: one row per holding that is not Covered, for `rolegate alerts` and `rolegate report`. Built from the
// verdicts of the pure core (src/reconcile/coverage), never judged here, so every output agrees with the
// HoldersCovered condition the controller writes.
import type {
  CoverageGap,
  CoveragePath,
  CoverageVerdict,
  HoldingCoverage,
  Principal,
  RoleCoverage,
} from '../api/coverage.js';
import type { LiveRole } from '../api/observation.js';
import { holderName } from '../reconcile/coverage/holder-name.js';

/** Judges one live role's holders; undefined when the provider did not read them. */
export type CoverageJudge = (role: LiveRole) => RoleCoverage | undefined;

/** One holding that is not Covered. */
export interface AccountRow {
  principal: Principal;
  roleId: string;
  roleDisplayName: string;
  /** The role's scope when it is not the whole tenant (Azure RBAC). */
  scope?: string;
  path: CoveragePath;
  /** What the role is held through (a group, a composite role, a client), as `Kind displayName (id)`. */
  via?: string;
  verdict: Exclude<CoverageVerdict, 'Covered'>;
  /** The kind of gap; absent only if the core gave none. */
  gap?: CoverageGap;
  /** One sentence on why, from the core. */
  why: string;
  /** The PrivilegedRoles (`namespace/name`) that declare the role; empty when it is not declared. */
  declared: string[];
}

/** A role's holders by path: how many, and how many are not covered. */
export interface PathCount {
  path: CoveragePath;
  total: number;
  covered: number;
  conditional: number;
  uncovered: number;
}

/** The coverage of one role, as reports show it. */
export interface RoleHolders {
  roleId: string;
  roleDisplayName: string;
  scope?: string;
  /** False when the provider did not read the role's holders: nothing is claimed about them. */
  observed: boolean;
  total: number;
  covered: number;
  conditional: number;
  uncovered: number;
  byPath: PathCount[];
  declared: string[];
}

/** Every role's holders and the accounts that are not covered. */
export interface Accounts {
  roles: RoleHolders[];
  /** Sorted by role, then principal (UPN or display name), then path. */
  accounts: AccountRow[];
  /** Display names of the roles whose holders were not read, sorted. */
  notObserved: string[];
}

/** The order paths are shown in: the standing ones first, as they are the ones PIM's activation rule misses. */
export const PATH_ORDER: readonly CoveragePath[] = [
  'Active',
  'GroupActive',
  'GroupOwner',
  'Eligible',
  'GroupEligible',
  'SignIn',
  'DirectGrant',
];

function via(h: HoldingCoverage): string | undefined {
  const v = h.holding.via;
  if (!v) return undefined;
  const kind = v.kind === 'CompositeRole' ? 'composite role' : v.kind.toLowerCase();
  return `${kind} ${v.displayName || v.id}${v.displayName && v.displayName !== v.id ? ` (${v.id})` : ''}`;
}

function byPath(cov: RoleCoverage): PathCount[] {
  const counts = new Map<CoveragePath, PathCount>();
  for (const h of cov.holdings) {
    const path = h.holding.path;
    let c = counts.get(path);
    if (!c) counts.set(path, (c = { path, total: 0, covered: 0, conditional: 0, uncovered: 0 }));
    c.total++;
    if (h.verdict === 'Covered') c.covered++;
    else if (h.verdict === 'Conditional') c.conditional++;
    else c.uncovered++;
  }
  return PATH_ORDER.flatMap((p) => {
    const c = counts.get(p);
    return c ? [c] : [];
  });
}

/** People's order (case aside), then code points, so the order is the same on every machine. */
const byText = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Judges every role with `judge` and lists the holdings that are not Covered. `declaredBy` names the
 * PrivilegedRoles that declare a role (empty for a role nobody declared: those are listed too, as PIM's alert
 * lists every administrator account).
 */
export function listAccounts(
  roles: readonly LiveRole[],
  judge: CoverageJudge,
  declaredBy: (role: LiveRole) => string[],
): Accounts {
  const out: Accounts = { roles: [], accounts: [], notObserved: [] };
  for (const role of roles) {
    const declared = declaredBy(role);
    const scope = role.scope !== '/' ? { scope: role.scope } : {};
    const cov = judge(role);
    if (!cov) {
      out.notObserved.push(role.roleDisplayName);
      out.roles.push({
        roleId: role.roleId,
        roleDisplayName: role.roleDisplayName,
        ...scope,
        observed: false,
        total: 0,
        covered: 0,
        conditional: 0,
        uncovered: 0,
        byPath: [],
        declared,
      });
      continue;
    }
    out.roles.push({
      roleId: role.roleId,
      roleDisplayName: role.roleDisplayName,
      ...scope,
      observed: true,
      total: cov.total,
      covered: cov.covered,
      conditional: cov.conditional,
      uncovered: cov.uncovered,
      byPath: byPath(cov),
      declared,
    });
    for (const h of cov.holdings) {
      if (h.verdict === 'Covered') continue;
      const v = via(h);
      out.accounts.push({
        principal: { ...h.holding.principal },
        roleId: role.roleId,
        roleDisplayName: role.roleDisplayName,
        ...scope,
        path: h.holding.path,
        ...(v !== undefined ? { via: v } : {}),
        verdict: h.verdict,
        ...(h.gap !== undefined ? { gap: h.gap } : {}),
        why: h.why,
        declared,
      });
    }
  }
  out.roles.sort(
    (a, b) => byText(a.roleDisplayName, b.roleDisplayName) || byText(a.roleId, b.roleId),
  );
  out.accounts.sort(
    (a, b) =>
      byText(a.roleDisplayName, b.roleDisplayName) ||
      byText(a.roleId, b.roleId) ||
      byText(holderName(a.principal), holderName(b.principal)) ||
      PATH_ORDER.indexOf(a.path) - PATH_ORDER.indexOf(b.path) ||
      byText(a.via ?? '', b.via ?? ''),
  );
  out.notObserved.sort(byText);
  return out;
}
