// Pure. Which roles a holder holds *because of* the grant that makes them a holder of a role, and so which other
// roles' second-factor steps ask them. Keycloak's "Condition - user role" (ConditionalRoleAuthenticator) matches
// with user.hasRole(Y), which is true when Y is mapped to the user or to one of their groups (or an ancestor
// group), or is contained, transitively, in a composite role held either way. A step whose condition names Y
// therefore also asks every holder of a composite X that contains Y.
//
// Only what follows from the grant itself counts: the role's own effective roles for a direct holder, the
// composite's for a holder through a composite, the group's (and its ancestors') mapped roles, expanded, for a
// holder through a group. Roles a holder happens to hold by some other, unrelated assignment are not counted: such
// a step asks them today, but nothing about the role guarantees it, and rolegate reports a gap rather than
// coverage that removing an unrelated assignment would silently undo. A composite that Y contains is the
// opposite direction: holding X does not give Y, and Y's step does not ask X's holders.
import type { Holding } from '../../api/coverage.js';
import type { RealmExport } from './realm-state.js';
import { effectiveRoles, type FlatGroup, type RoleGraph } from './role-holders.js';

/** The roles (lower-case ids) a holding's grant gives, from the role id and what it is held through. */
export type GrantRoles = (roleId: string, via: Holding['via'] | undefined) => ReadonlySet<string>;

/**
 * Builds the grant resolver for a realm, memoised per grant (a role, a composite or a group), so that judging
 * every holder costs one expansion per distinct grant, not one per holder.
 */
export function grantRoles(
  exp: RealmExport,
  graph: RoleGraph,
  groups: readonly FlatGroup[],
): GrantRoles {
  const memo = new Map<string, ReadonlySet<string>>();
  const byGroup = new Map(groups.map((g) => [g.id, g]));
  const expand = (ids: Iterable<string>): Set<string> => effectiveRoles(exp, graph, ids);
  return (roleId, via) => {
    const key =
      via?.kind === 'Group'
        ? `g:${via.id}`
        : via?.kind === 'CompositeRole'
          ? `r:${via.id.toLowerCase()}`
          : `r:${roleId.toLowerCase()}`;
    let hit = memo.get(key);
    if (!hit) {
      if (via?.kind === 'Group') {
        // A group the flattened tree does not know grants nothing rolegate can prove: only the role itself.
        const g = byGroup.get(via.id);
        hit = g ? expand(g.mapped) : expand([roleId]);
      } else {
        hit = expand([via?.kind === 'CompositeRole' ? via.id : roleId]);
      }
      memo.set(key, hit);
    }
    return hit;
  };
}

/**
 * The other roles whose step asks a holding: the roles the grant gives, other than `roleId` itself, for which
 * `inForce` says a step forces a second factor on their holders. Sorted lower-case ids; empty when none.
 */
export function otherRolesAsking(
  granted: ReadonlySet<string>,
  roleId: string,
  inForce: (roleId: string) => boolean,
): string[] {
  const self = roleId.toLowerCase();
  return [...granted].filter((id) => id !== self && inForce(id)).sort();
}
