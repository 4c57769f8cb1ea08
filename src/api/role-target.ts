// Pure. What a PrivilegedRole points at: a role (spec.role at spec.scope) or the member or owner access of a PIM for
// Groups group (spec.group). A group access is named to providers as a role reference at a scope of its own,
// `/groups/member` or `/groups/owner`, so that resolving, claims and plan() treat it as one more role.
import type { PrivilegedRoleSpec } from './v1alpha1/generated.js';

/** The PIM for Groups access a PrivilegedRole may declare. */
export type GroupAccess = 'member' | 'owner';

/** The scope under which a provider resolves a PIM for Groups access (the group by id or display name). */
export function groupScope(access: GroupAccess): string {
  return `/groups/${access}`;
}

/** The access a scope names, when it is a PIM for Groups scope (`/groups/member`, `/groups/owner`). */
export function groupAccessOf(scope: string): GroupAccess | undefined {
  const m = /^\/groups\/(member|owner)\/?$/i.exec(scope);
  return m ? (m[1]!.toLowerCase() as GroupAccess) : undefined;
}

/**
 * The scope a provider gives the LiveRole of a group access: `/groups/{id}/member` or `/groups/{id}/owner` (the
 * lookup scope above, with the group resolved).
 */
export function groupRoleScope(groupId: string, access: GroupAccess): string {
  return `/groups/${groupId.toLowerCase()}/${access}`;
}

/** The group and access of a LiveRole's (or an action's) scope, when it is a PIM for Groups access. */
export function groupOfScope(scope: string): { groupId: string; access: GroupAccess } | undefined {
  const m = /^\/groups\/([^/]+)\/(member|owner)$/i.exec(scope);
  return m
    ? { groupId: m[1]!.toLowerCase(), access: m[2]!.toLowerCase() as GroupAccess }
    : undefined;
}

/**
 * The name a group access's LiveRole goes by in plan, status and alerts: the group's, with the access
 * (`Tier0 Operators (member)`), so that a group's two accesses read apart.
 */
export function groupAccessName(groupName: string, access: GroupAccess): string {
  return `${groupName} (${access})`;
}

/** A role reference and the scope it is resolved at. */
export interface RoleTarget {
  ref: { id?: string; displayName?: string; clientId?: string };
  scope: string;
}

/** What a (possibly partial) spec points at: spec.group as its PIM for Groups scope, else spec.role at spec.scope. */
export function roleTarget(spec: Pick<PrivilegedRoleSpec, 'role' | 'group' | 'scope'>): RoleTarget {
  const g = spec.group;
  if (g) {
    const ref: RoleTarget['ref'] = {};
    if (g.id !== undefined) ref.id = g.id;
    if (g.displayName !== undefined) ref.displayName = g.displayName;
    return { ref, scope: groupScope(g.access) };
  }
  return { ref: spec.role ?? {}, scope: spec.scope ?? '/' };
}
