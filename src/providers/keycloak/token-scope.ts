// Pure. Whether a client's tokens can carry a role at all. Keycloak (TokenManager.getAccess) puts in a token the
// user's roles, expanded through composites; for a client with fullScopeAllowed false only those that are also
// in the client's scope: the client's own roles, plus the scope mappings of the client itself, of its default
// client scopes and of its optional client scopes (a token request may ask for any of those with `scope`), that
// set expanded through composites. A role outside that scope never reaches a token of that client, so a password
// grant through it is no way to use the role.
//
// Two exceptions, where the token's roles are not what is checked: Keycloak's admin API judges tokens issued for
// admin-cli and security-admin-console by the user's stored roles (MgmtPermissions: UserModelIdentity), and in
// some releases by the token's audience rather than its issuer (an audience mapper can put admin-cli in any
// client's tokens); so for those two clients, and for the admin roles (realm-management, and the `<realm>-realm`
// clients of master) and any composite containing one, a narrow scope is never taken as proof that the role
// cannot be used.
import type { RoleKey } from './flow-model.js';
import type { ClientRep, RealmExport, ScopeMappingRep } from './realm-state.js';
import { effectiveRoles, type RoleGraph } from './role-holders.js';

/** Clients whose tokens the admin API judges by the user's roles, not the token's. */
const ADMIN_CLIENTS: ReadonlySet<string> = new Set(['admin-cli', 'security-admin-console']);

/** Whether a role is, or contains through composites, one of the admin API's own roles. */
function grantsAdminRole(exp: RealmExport, graph: RoleGraph, role: RoleKey): boolean {
  const admin = (clientId: string | undefined): boolean =>
    clientId !== undefined &&
    (clientId === 'realm-management' || (exp.realm === 'master' && clientId.endsWith('-realm')));
  if (admin(role.clientId)) return true;
  for (const id of effectiveRoles(exp, graph, role.id)) {
    if (admin(graph.byId.get(id)?.clientId)) return true;
  }
  return false;
}

/**
 * The roles (lower-case ids) a fullScopeAllowed-false client's tokens may carry: its own roles and the scope
 * mappings of the client, its default and its optional client scopes, expanded through composites.
 */
export function clientScopeRoles(
  exp: RealmExport,
  graph: RoleGraph,
  client: ClientRep,
): Set<string> {
  const scopes = new Set([
    ...(client.defaultClientScopes ?? []),
    ...(client.optionalClientScopes ?? []),
  ]);
  const mine = (m: ScopeMappingRep): boolean =>
    m.client === client.clientId || (m.clientScope !== undefined && scopes.has(m.clientScope));
  const seeds: string[] = [];
  for (const r of exp.roles?.client?.[client.clientId] ?? []) seeds.push(r.id);
  for (const m of exp.scopeMappings ?? []) {
    if (!mine(m)) continue;
    for (const n of m.roles ?? []) {
      const k = graph.byName(n);
      if (k) seeds.push(k.id);
    }
  }
  for (const [owner, list] of Object.entries(exp.clientScopeMappings ?? {})) {
    for (const m of list) {
      if (!mine(m)) continue;
      for (const n of m.roles ?? []) {
        const k = graph.byName(n, owner);
        if (k) seeds.push(k.id);
      }
    }
  }
  return effectiveRoles(exp, graph, seeds);
}

/**
 * Whether tokens of `client` can carry `role` (or be used as if they did). `scope` is the client's
 * clientScopeRoles, needed only when the client does not allow full scope.
 */
export function tokensCanCarry(
  exp: RealmExport,
  graph: RoleGraph,
  client: ClientRep,
  role: RoleKey,
  scope: () => ReadonlySet<string>,
): boolean {
  if (client.fullScopeAllowed !== false) return true;
  if (ADMIN_CLIENTS.has(client.clientId) || grantsAdminRole(exp, graph, role)) return true;
  return scope().has(role.id.toLowerCase());
}
