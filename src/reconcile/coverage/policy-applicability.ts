// Pure. Whether one Conditional Access policy asks one holder for a second factor on one use of a role: the
// applicability rule every CA-based coverage rule shares.
// Graph: conditionalAccessPolicy, conditionalAccessUsers
// (https://learn.microsoft.com/graph/api/resources/conditionalaccessusers): a policy applies to a user its include
// names (All, the user, a group they are in, a directory role they hold) unless its exclude names them; exclusion
// wins.
import type { AccessPolicy, Holding } from '../../api/coverage.js';

/**
 * Which use of the role a policy must target to count:
 * - `AllApps`: signing in to use the role (standing access): only a policy for All cloud apps sees every use;
 * - `Context`: activating through an authentication context with this claim value (PIM activation).
 */
export type PolicyTarget = { kind: 'AllApps' } | { kind: 'Context'; claimValue: string };

/** What is known about the holder when a users condition is evaluated. */
export interface HolderFacts {
  holding: Holding;
  /** The holder's groups, transitively (see holderGroups). */
  groups: ReadonlySet<string>;
  /** The role's directory role template id, lower case, if the provider has one. */
  directoryRoleId: string | undefined;
  /**
   * Whether the holder is a member of the directory role when the policy is evaluated. Standing holders are;
   * eligible holders activating through an authentication context are not yet, so includeRoles does not reach
   * them. Exclusion by role is honoured on every path: rolegate does not claim coverage an exclusion may undo.
   */
  holdsRoleWhenEvaluated: boolean;
}

/** The outcome of evaluating one policy for one holder. */
export type Applicability =
  /** The policy is not in force, does not require MFA, or does not target this use of the role. */
  | { kind: 'NotEnforcing' }
  /** The policy's include does not name the holder. */
  | { kind: 'NotIncluded' }
  /** The include names the holder and the exclude removes them again (by user, group or role). */
  | { kind: 'Excluded'; by: 'user' | 'group' | 'role'; id: string }
  /** The policy asks the holder for MFA; `conditional` when it has conditions rolegate cannot judge. */
  | { kind: 'Applies'; conditional: boolean };

/** Whether a policy is in force and demands MFA of the target use: only `enabled` ones; report-only never covers. */
export function enforcesMfa(policy: AccessPolicy, target: PolicyTarget): boolean {
  if (policy.state !== 'enabled' || !policy.requiresMfa) return false;
  if (target.kind === 'AllApps') return policy.applications.scope === 'All';
  const want = target.claimValue.toLowerCase();
  return policy.applications.authenticationContexts.some((c) => c.toLowerCase() === want);
}

/** A users condition with its ids lower case in sets: one policy is evaluated for every holder of a role. */
interface UsersCondition {
  include: { all: boolean; users: Set<string>; groups: string[]; roles: Set<string> };
  exclude: { users: Set<string>; groups: string[]; roles: Set<string> };
}

const compiled = new WeakMap<AccessPolicy, UsersCondition>();

function usersCondition(policy: AccessPolicy): UsersCondition {
  let c = compiled.get(policy);
  if (!c) {
    const lower = (xs: readonly string[]): string[] => xs.map((x) => x.toLowerCase());
    c = {
      include: {
        all: policy.include.all,
        users: new Set(lower(policy.include.users)),
        groups: lower(policy.include.groups),
        roles: new Set(lower(policy.include.roles)),
      },
      exclude: {
        users: new Set(lower(policy.exclude.users)),
        groups: lower(policy.exclude.groups),
        roles: new Set(lower(policy.exclude.roles)),
      },
    };
    compiled.set(policy, c);
  }
  return c;
}

/** Evaluates a policy's users condition (and state, grant and target) for one holder. */
export function policyApplicability(
  policy: AccessPolicy,
  target: PolicyTarget,
  holder: HolderFacts,
): Applicability {
  if (!enforcesMfa(policy, target)) return { kind: 'NotEnforcing' };
  const principal = holder.holding.principal;
  // Conditional Access user policies do not apply to applications (workload identities have their own).
  if (principal.type === 'ServicePrincipal') return { kind: 'NotIncluded' };
  const users = usersCondition(policy);
  const id = principal.id.toLowerCase();
  const role = holder.directoryRoleId?.toLowerCase();
  const inGroup = (groups: readonly string[]): string | undefined =>
    groups.find((g) => holder.groups.has(g));

  const included =
    users.include.all ||
    users.include.users.has(id) ||
    inGroup(users.include.groups) !== undefined ||
    (holder.holdsRoleWhenEvaluated && role !== undefined && users.include.roles.has(role));
  if (!included) return { kind: 'NotIncluded' };

  if (users.exclude.users.has(id)) return { kind: 'Excluded', by: 'user', id: principal.id };
  const group = inGroup(users.exclude.groups);
  if (group !== undefined) return { kind: 'Excluded', by: 'group', id: group };
  if (role !== undefined && users.exclude.roles.has(role)) {
    return { kind: 'Excluded', by: 'role', id: role };
  }
  return { kind: 'Applies', conditional: policy.unjudged.length > 0 };
}
