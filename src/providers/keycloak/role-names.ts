// Pure. How Keycloak reads a role named by a string, as the "Condition - user role" config (`condUserRole`) and
// role mappers name it: `name` for a realm role, `clientId.name` for a client role, with no escaping. Keycloak
// (KeycloakModelUtils.getRoleFromString, 26.x) splits the string at its dots from the right: the first prefix that
// is an existing client's clientId wins, and the rest is that client's role name, whether or not the client has
// such a role; only when no prefix is a clientId is the whole string a realm role name. So a realm role
// `payroll.approver` beside a client `payroll` cannot be named at all: the string means client payroll's role
// `approver`. rolegate resolves names the same way, so that it never counts a condition that names another role.
import type { RoleKey } from './flow-model.js';

/** Keycloak gives up after this many client lookups and resolves nothing (Constants in KeycloakModelUtils). */
export const MAX_CLIENT_LOOKUPS = 25;

/** The realm's roles and clients by name, as role strings are resolved against them. */
export interface RoleDirectory {
  /** Every client's clientId, whether or not it has roles. */
  clientIds: ReadonlySet<string>;
  realmRoles: ReadonlyMap<string, RoleKey>;
  /** clientId -> role name -> role. */
  clientRoles: ReadonlyMap<string, ReadonlyMap<string, RoleKey>>;
}

/** Builds the directory from the realm's role lists and client ids. */
export function roleDirectory(
  realmRoles: readonly { id: string; name: string }[],
  clientRoles: Readonly<Record<string, readonly { id: string; name: string }[]>>,
  clientIds: Iterable<string>,
): RoleDirectory {
  const ids = new Set(clientIds);
  const byClient = new Map<string, Map<string, RoleKey>>();
  for (const [clientId, roles] of Object.entries(clientRoles)) {
    ids.add(clientId);
    byClient.set(
      clientId,
      new Map(roles.map((r) => [r.name, { id: r.id, name: r.name, clientId }])),
    );
  }
  return {
    clientIds: ids,
    realmRoles: new Map(realmRoles.map((r) => [r.name, { id: r.id, name: r.name }])),
    clientRoles: byClient,
  };
}

/** What a role string resolves to: a role, a client's role that does not exist, or nothing. */
export type ResolvedName =
  | { kind: 'Role'; role: RoleKey }
  | { kind: 'MissingClientRole'; clientId: string; name: string }
  | { kind: 'None' };

/** Resolves a role string the way Keycloak does (see the file comment). */
export function resolveRoleName(dir: RoleDirectory, value: string): ResolvedName {
  let lookups = 0;
  for (let dot = value.lastIndexOf('.'); dot >= 0 && lookups < MAX_CLIENT_LOOKUPS;) {
    lookups++;
    const clientId = value.slice(0, dot);
    if (dir.clientIds.has(clientId)) {
      const name = value.slice(dot + 1);
      const role = dir.clientRoles.get(clientId)?.get(name);
      return role ? { kind: 'Role', role } : { kind: 'MissingClientRole', clientId, name };
    }
    dot = dot === 0 ? -1 : value.lastIndexOf('.', dot - 1);
  }
  if (lookups >= MAX_CLIENT_LOOKUPS) return { kind: 'None' };
  const role = dir.realmRoles.get(value);
  return role ? { kind: 'Role', role } : { kind: 'None' };
}

/** The string rolegate writes for a role, and why Keycloak would not read it back as that role, if it would not. */
export interface RoleReferenceString {
  value: string;
  /** Set when the string resolves to something else: the role cannot be named by a role condition. */
  ambiguity?: string;
}

/** The plain form of a role string: `name`, or `clientId.name` for a client role. */
export function roleString(role: RoleKey): string {
  return role.clientId ? `${role.clientId}.${role.name}` : role.name;
}

const sameRole = (a: RoleKey, b: RoleKey): boolean => a.id.toLowerCase() === b.id.toLowerCase();

/** Describes a role for people: `realm role x` or `client c's role x`. */
export function describeRole(role: { name: string; clientId?: string | undefined }): string {
  return role.clientId ? `client ${role.clientId}'s role ${role.name}` : `realm role ${role.name}`;
}

/** The string that names `role` in a role condition, checked by resolving it back. */
export function roleReference(dir: RoleDirectory, role: RoleKey): RoleReferenceString {
  const value = roleString(role);
  const back = resolveRoleName(dir, value);
  if (back.kind === 'Role' && sameRole(back.role, role)) return { value };
  const means =
    back.kind === 'Role'
      ? `${describeRole(back.role)} instead`
      : back.kind === 'MissingClientRole'
        ? `${describeRole({ name: back.name, clientId: back.clientId })}, which does not exist`
        : 'no role';
  return {
    value,
    ambiguity: `${describeRole(role)} cannot be named in Keycloak's role condition: "${value}" resolves to ${means} (Keycloak reads a dotted name as clientId.role when a client with that clientId exists); rename the role or the client`,
  };
}
