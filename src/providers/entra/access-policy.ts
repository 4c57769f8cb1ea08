// Pure. A Graph conditionalAccessPolicy reduced to the AccessPolicy that per-holder coverage is judged with
// (src/api/coverage.ts). The reduction never widens what a policy protects: whatever rolegate cannot evaluate
// for a holder either narrows the policy (an include it cannot resolve) or is named in `unjudged` (a condition
// or an exclusion it cannot resolve), which makes the coverage Conditional rather than Covered.
// Shapes: conditionalAccessPolicy, conditionalAccessConditionSet, conditionalAccessUsers and
// conditionalAccessApplications (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy and the
// pages it links).
import type { AccessPolicy, PrincipalSet } from '../../api/coverage.js';
import type { LiveRole } from '../../api/observation.js';
import type {
  GraphConditionalAccessPolicy,
  GraphConditionalAccessUsers,
} from './conditional-access.js';

/**
 * Whether a policy's grant controls make MFA unavoidable. An authentication strength always includes a second
 * factor, as `mfa` does. With AND every control applies, so one of them is enough; with OR the user picks any
 * one control, so every choice must be one of them (`compliantDevice` OR `mfa` lets a compliant device in
 * without a second factor).
 */
export function grantRequiresMfa(g: GraphConditionalAccessPolicy['grantControls']): boolean {
  if (!g) return false;
  const strength = g.authenticationStrength !== undefined && g.authenticationStrength !== null;
  const controls = (g.builtInControls ?? []).map((c) => c.toLowerCase());
  if (!strength && !controls.includes('mfa')) return false;
  if ((g.operator ?? 'OR').toUpperCase() === 'AND') return true;
  return controls.every((c) => c === 'mfa');
}

const STATES: readonly AccessPolicy['state'][] = [
  'enabled',
  'disabled',
  'enabledForReportingButNotEnforced',
];

const lower = (xs: readonly string[] | null | undefined): string[] =>
  [...new Set((xs ?? []).map((x) => x.toLowerCase()))].sort();
const has = (xs: readonly string[] | null | undefined, v: string): boolean =>
  (xs ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
const nonEmpty = (xs: readonly unknown[] | null | undefined): boolean => (xs ?? []).length > 0;
/** Keywords of includeUsers/excludeUsers; everything else is a user object id. */
const USER_KEYWORDS = new Set(['all', 'none', 'guestsorexternalusers']);

/**
 * The principals one side of a users condition names. `All` is every user; `None` is nobody; the keyword
 * `GuestsOrExternalUsers` and the structured guest conditions name guests, whom rolegate cannot tell apart from
 * members: on the include side they are left out (coverage is never claimed for a guest through them), on the
 * exclude side the caller marks the policy unjudged.
 */
function principals(
  users: GraphConditionalAccessUsers | null | undefined,
  side: 'include' | 'exclude',
): PrincipalSet {
  const u = users ?? {};
  const ids = side === 'include' ? u.includeUsers : u.excludeUsers;
  return {
    all: has(ids, 'All'),
    users: lower((ids ?? []).filter((x) => !USER_KEYWORDS.has(x.toLowerCase()))),
    groups: lower(side === 'include' ? u.includeGroups : u.excludeGroups),
    roles: lower(side === 'include' ? u.includeRoles : u.excludeRoles),
  };
}

/** Which cloud apps the policy sees: `All`, some (apps or user actions), or none (authentication contexts only). */
function applicationScope(p: GraphConditionalAccessPolicy): AccessPolicy['applications']['scope'] {
  const apps = p.conditions?.applications;
  if (has(apps?.includeApplications, 'All')) return 'All';
  const named = (apps?.includeApplications ?? []).filter((x) => x.toLowerCase() !== 'none');
  return named.length > 0 || nonEmpty(apps?.includeUserActions) ? 'Some' : 'None';
}

/** Whether an include/exclude pair names less than everything (`All` included and nothing excluded). */
function narrowed(
  include: readonly string[] | null | undefined,
  exclude: readonly string[] | null | undefined,
): boolean {
  return nonEmpty(exclude) || (include ?? []).some((x) => x.toLowerCase() !== 'all');
}

/**
 * The conditions of a policy rolegate cannot judge for a holder, by name: where, on what, with which client and
 * at what risk someone signs in is not known ahead of a sign-in. A condition set to its "everything" value
 * (clientAppTypes `all`, locations or platforms `All` with nothing excluded) is no condition.
 */
export function unjudgedConditions(p: GraphConditionalAccessPolicy): string[] {
  const c = p.conditions ?? {};
  const out: string[] = [];
  const types = c.clientAppTypes ?? [];
  if (types.length > 0 && !has(types, 'all')) out.push('clientAppTypes');
  if (c.locations && narrowed(c.locations.includeLocations, c.locations.excludeLocations))
    out.push('locations');
  if (c.platforms && narrowed(c.platforms.includePlatforms, c.platforms.excludePlatforms))
    out.push('platforms');
  if (c.devices !== undefined && c.devices !== null) out.push('devices');
  if (c.deviceStates !== undefined && c.deviceStates !== null) out.push('deviceStates');
  if (nonEmpty(c.signInRiskLevels)) out.push('signInRiskLevels');
  if (nonEmpty(c.userRiskLevels)) out.push('userRiskLevels');
  if (nonEmpty(c.servicePrincipalRiskLevels)) out.push('servicePrincipalRiskLevels');
  if (typeof c.insiderRiskLevels === 'string' && c.insiderRiskLevels !== '')
    out.push('insiderRiskLevels');
  if (c.authenticationFlows !== undefined && c.authenticationFlows !== null)
    out.push('authenticationFlows');
  if (c.clientApplications !== undefined && c.clientApplications !== null)
    out.push('clientApplications');
  // All apps but some: a holder may use the role through an excluded app.
  if (
    has(c.applications?.includeApplications, 'All') &&
    nonEmpty(c.applications?.excludeApplications)
  )
    out.push('excludeApplications');
  if (c.applications?.applicationFilter !== undefined && c.applications.applicationFilter !== null)
    out.push('applicationFilter');
  // Guests are excluded, and rolegate cannot tell whether a holder is one.
  const u = c.users;
  if (
    has(u?.excludeUsers, 'GuestsOrExternalUsers') ||
    (u?.excludeGuestsOrExternalUsers ?? null) !== null
  )
    out.push('excludeGuestsOrExternalUsers');
  return [...new Set(out)].sort();
}

/** Maps one Graph policy; an unknown state reads as `disabled` (it never covers anyone). */
export function accessPolicyFromGraph(p: GraphConditionalAccessPolicy): AccessPolicy {
  const state = STATES.find((s) => s.toLowerCase() === (p.state ?? '').toLowerCase()) ?? 'disabled';
  return {
    id: p.id.toLowerCase(),
    displayName: p.displayName ?? p.id,
    state,
    requiresMfa: grantRequiresMfa(p.grantControls),
    include: principals(p.conditions?.users, 'include'),
    exclude: principals(p.conditions?.users, 'exclude'),
    applications: {
      scope: applicationScope(p),
      authenticationContexts: lower(
        p.conditions?.applications?.includeAuthenticationContextClassReferences,
      ),
    },
    unjudged: unjudgedConditions(p),
  };
}

/** Whether a policy's users condition names anyone at all (`None`, or nothing, names nobody). */
export function includesAnyone(p: AccessPolicy): boolean {
  const i = p.include;
  return i.all || i.users.length > 0 || i.groups.length > 0 || i.roles.length > 0;
}

/**
 * The role with the tenant's policies in its coverage facts. A role without `coverage` (its holders were not
 * read) stays as it is: coverage is then not judged, and policies alone do not make it judged. Every role of a
 * snapshot shares the one list (nothing changes it), so thousands of roles do not hold thousands of copies.
 */
export function attachAccessPolicies(role: LiveRole, policies: AccessPolicy[]): LiveRole {
  if (!role.coverage) return role;
  return { ...role, coverage: { ...role.coverage, policies } };
}
