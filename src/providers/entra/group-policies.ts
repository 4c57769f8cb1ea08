// Pure. PIM for Groups policies (scopeType Group) as LiveRoles: one per group and access (member, owner), so that
// plan() and apply treat the activation MFA of a group's membership or ownership like a directory role's. The
// role id is the group id, the handle the policy id, the requirement path Eligible with the ActivationRule switch
// (Enablement_EndUser_Assignment of the member or owner policy:
// https://learn.microsoft.com/graph/api/resources/privilegedaccessgroup-overview).
import type { ContextPolicyVerdict, LiveRole } from '../../api/observation.js';
import { groupAccessName, groupRoleScope, type GroupAccess } from '../../api/role-target.js';
import { liveRoleFromPolicy, type GraphPolicyAssignment } from './mapping.js';

/** A role-assignable group as the snapshot lists it. */
export interface GraphGroup {
  id: string;
  displayName: string;
}

/** A group with the policy assignments of its PIM for Groups accesses (roleDefinitionId `member` or `owner`). */
export interface GroupPolicyRead {
  group: GraphGroup;
  assignments: readonly GraphPolicyAssignment[];
}

/**
 * The policy assignments (member and owner) of one group, with their policies and rules: the holder read and the
 * PIM for Groups read ask for the same.
 */
export function groupPolicyAssignmentsPath(groupId: string): string {
  return `/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(`scopeId eq '${groupId}' and scopeType eq 'Group'`)}&$expand=policy($expand=rules)`;
}

/** The access a policy assignment of a group governs, when it is one rolegate knows. */
export function accessOf(a: GraphPolicyAssignment): GroupAccess | undefined {
  const k = a.roleDefinitionId.toLowerCase();
  return k === 'member' || k === 'owner' ? k : undefined;
}

/**
 * The LiveRole of one access of a group: named by the group and access (`Tier0 Operators (member)`), at the
 * access's scope, asked on activation through the policy's Enablement_EndUser_Assignment rule (and an
 * authentication context, when one is enabled).
 */
export function liveRoleFromGroupPolicy(
  group: GraphGroup,
  access: GroupAccess,
  policy: NonNullable<GraphPolicyAssignment['policy']>,
  contextPolicies?: ReadonlyMap<string, ContextPolicyVerdict>,
): LiveRole {
  const role = liveRoleFromPolicy(
    { id: group.id, displayName: groupAccessName(group.displayName, access) },
    policy,
    contextPolicies,
  );
  return { ...role, scope: groupRoleScope(group.id, access) };
}

/** Every access of every group that has a policy, as LiveRoles. */
export function groupLiveRoles(
  reads: readonly GroupPolicyRead[],
  contextPolicies?: ReadonlyMap<string, ContextPolicyVerdict>,
): LiveRole[] {
  const out: LiveRole[] = [];
  for (const r of reads) {
    for (const a of r.assignments) {
      const access = accessOf(a);
      if (access && a.policy)
        out.push(liveRoleFromGroupPolicy(r.group, access, a.policy, contextPolicies));
    }
  }
  return out;
}
