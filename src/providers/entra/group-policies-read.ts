// Reads the PIM for Groups policies of the tenant's role-assignable groups, in bulk: one paged listing of the groups
// (https://learn.microsoft.com/graph/api/group-list, `$filter=isAssignableToRole eq true`), then each group's
// policy assignments with their policies and rules through $batch, 20 groups a request. PIM for Groups policy
// assignments can only be listed per group (scopeId the group id, scopeType Group:
// https://learn.microsoft.com/graph/api/policyroot-list-rolemanagementpolicyassignments), so N groups cost
// 1 + ceil(N / 20) requests, whatever the number of PrivilegedRoles that name them.
import type { GraphClient } from './graph-client.js';
import {
  groupPolicyAssignmentsPath,
  type GraphGroup,
  type GroupPolicyRead,
} from './group-policies.js';
import { batchedLists } from './holders-read.js';
import { slimAssignment, type GraphPolicyAssignment } from './mapping.js';

/** The listing of role-assignable groups, only the fields the snapshot reads. */
export const ASSIGNABLE_GROUPS_PATH = `/groups?$filter=${encodeURIComponent('isAssignableToRole eq true')}&$select=id,displayName`;

/** Reads every role-assignable group and its PIM for Groups policies. Throws a ProviderError on failure. */
export async function readGroupPolicies(
  graph: GraphClient,
  top: number,
  signal?: AbortSignal,
): Promise<GroupPolicyRead[]> {
  const groups = await graph.list<GraphGroup>(ASSIGNABLE_GROUPS_PATH, signal, {
    top,
    keep: (g) => ({ id: g.id.toLowerCase(), displayName: g.displayName }),
  });
  const lists = new Map(groups.map((g, i) => [`g${i}`, groupPolicyAssignmentsPath(g.id)]));
  const got = await batchedLists(graph, lists, signal);
  return groups.map((group, i) => ({
    group,
    assignments: ((got.get(`g${i}`) ?? []) as GraphPolicyAssignment[]).map(slimAssignment),
  }));
}
