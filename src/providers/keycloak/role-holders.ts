// Pure. Who holds each role of a realm, and how, from the realm export (composite roles, the group tree with its
// role mappings, clients) and the few lists the admin API gives only per role or per group (the users a role is
// mapped to directly, the direct members of a group). Keycloak's user.hasRole is true for a role mapped to the
// user, to one of the user's groups or any ancestor group, or contained (transitively) in a composite role the
// user holds either way; the holdings below follow the same rules, so that they name exactly the users a
// "Condition - user role" matches at login.
import { compareText } from '../../api/compare-text.js';
import type { Holding, Principal } from '../../api/coverage.js';
import type { RoleKey } from './flow-model.js';
import type { ClientRep, GroupRep, RealmExport } from './realm-state.js';

/** A user as GET .../roles/{name}/users and GET .../groups/{id}/members list it (brief representation). */
export interface UserRep {
  id: string;
  username: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
}

/** The realm's roles by id and the composites that contain each one. */
export interface RoleGraph {
  /** Lower-case role id -> role. */
  byId: ReadonlyMap<string, RoleKey>;
  /** Lower-case role id -> lower-case ids of the composites that contain it directly. */
  containedBy: ReadonlyMap<string, readonly string[]>;
  /** Resolves a mapping by name: a realm role (clientId undefined) or a client's role. */
  byName(name: string, clientId?: string): RoleKey | undefined;
}

const lower = (s: string): string => s.toLowerCase();

/** Builds the role graph from the export's role lists. */
export function roleGraph(exp: RealmExport): RoleGraph {
  const byId = new Map<string, RoleKey>();
  const realm = new Map<string, RoleKey>();
  const client = new Map<string, Map<string, RoleKey>>();
  for (const r of exp.roles?.realm ?? []) {
    const k = { id: r.id, name: r.name };
    byId.set(lower(r.id), k);
    realm.set(r.name, k);
  }
  for (const [clientId, roles] of Object.entries(exp.roles?.client ?? {})) {
    const m = new Map<string, RoleKey>();
    for (const r of roles) {
      const k = { id: r.id, name: r.name, clientId };
      byId.set(lower(r.id), k);
      m.set(r.name, k);
    }
    client.set(clientId, m);
  }
  const byName = (name: string, clientId?: string): RoleKey | undefined =>
    clientId === undefined ? realm.get(name) : client.get(clientId)?.get(name);
  const containedBy = new Map<string, string[]>();
  const all = [...(exp.roles?.realm ?? []), ...Object.values(exp.roles?.client ?? {}).flat()];
  for (const parent of all) {
    if (!parent.composite || !parent.composites) continue;
    const children = [
      ...(parent.composites.realm ?? []).map((n) => byName(n)),
      ...Object.entries(parent.composites.client ?? {}).flatMap(([c, names]) =>
        names.map((n) => byName(n, c)),
      ),
    ];
    for (const child of children) {
      if (!child) continue;
      const list = containedBy.get(lower(child.id)) ?? [];
      list.push(lower(parent.id));
      containedBy.set(lower(child.id), list);
    }
  }
  return { byId, containedBy, byName };
}

/** The composites that contain a role, directly or through other composites (cycles are cut), nearest first. */
export function compositesContaining(graph: RoleGraph, roleId: string): string[] {
  const start = lower(roleId);
  const seen = new Set<string>([start]);
  const out: string[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const parent of graph.containedBy.get(id) ?? []) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      out.push(parent);
      queue.push(parent);
    }
  }
  return out;
}

/**
 * The roles a role (or several) grants: itself and everything its composites contain, transitively (lower-case
 * ids). Several seeds are expanded in one pass.
 */
export function effectiveRoles(
  exp: RealmExport,
  graph: RoleGraph,
  roleId: string | Iterable<string>,
): Set<string> {
  const reps = new Map(
    [...(exp.roles?.realm ?? []), ...Object.values(exp.roles?.client ?? {}).flat()].map((r) => [
      lower(r.id),
      r,
    ]),
  );
  const out = new Set<string>();
  const stack = (typeof roleId === 'string' ? [roleId] : [...roleId]).map(lower);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    const rep = reps.get(id);
    if (!rep?.composite || !rep.composites) continue;
    for (const n of rep.composites.realm ?? []) {
      const k = graph.byName(n);
      if (k) stack.push(lower(k.id));
    }
    for (const [c, names] of Object.entries(rep.composites.client ?? {})) {
      for (const n of names) {
        const k = graph.byName(n, c);
        if (k) stack.push(lower(k.id));
      }
    }
  }
  return out;
}

/** A group of the tree, with the roles mapped to it or to any ancestor (Keycloak's inherited group roles). */
export interface FlatGroup {
  id: string;
  path: string;
  /** Lower-case ids of the roles mapped to this group and to its ancestors. */
  mapped: ReadonlySet<string>;
}

/** Flattens the group tree; every group carries its ancestors' role mappings. */
export function flattenGroups(exp: RealmExport, graph: RoleGraph): FlatGroup[] {
  const out: FlatGroup[] = [];
  const walk = (g: GroupRep, parentPath: string, inherited: ReadonlySet<string>): void => {
    const path = g.path ?? `${parentPath}/${g.name}`;
    const mapped = new Set(inherited);
    for (const n of g.realmRoles ?? []) {
      const k = graph.byName(n);
      if (k) mapped.add(lower(k.id));
    }
    for (const [c, names] of Object.entries(g.clientRoles ?? {})) {
      for (const n of names) {
        const k = graph.byName(n, c);
        if (k) mapped.add(lower(k.id));
      }
    }
    out.push({ id: g.id, path, mapped });
    for (const sub of g.subGroups ?? []) walk(sub, path, mapped);
  };
  for (const g of exp.groups ?? []) walk(g, '', new Set());
  return out;
}

/** One list read per role or per group. */
export interface HolderRead {
  /** The admin path relative to /admin/realms/{realm}. */
  path: string;
  /** The lower-case role id, or the group id, the list belongs to. */
  key: string;
}

/** Which lists a snapshot reads, and which roles it leaves unjudged. */
export interface HolderReadPlan {
  roles: HolderRead[];
  groups: HolderRead[];
  /**
   * Roles every user of the realm holds through the realm's default role (`default-roles-<realm>` and what it
   * contains): not read, because reading them lists every user of the realm; their coverage stays unjudged.
   */
  everyone: ReadonlySet<string>;
}

const seg = encodeURIComponent;

/**
 * Plans the reads: the direct users of every role but the default role's, and the direct members of every group
 * that grants some role outside it (members of subgroups are read from the subgroups themselves).
 */
export function planHolderReads(exp: RealmExport, graph: RoleGraph): HolderReadPlan {
  const everyone = exp.defaultRole
    ? effectiveRoles(exp, graph, exp.defaultRole.id)
    : new Set<string>();
  const clientUuid = new Map(
    (exp.clients ?? []).filter((c) => c.id).map((c) => [c.clientId, c.id!]),
  );
  const roles: HolderRead[] = [];
  for (const [id, k] of graph.byId) {
    if (everyone.has(id)) continue;
    if (k.clientId === undefined) {
      roles.push({ key: id, path: `/roles/${seg(k.name)}/users` });
    } else {
      const uuid = clientUuid.get(k.clientId);
      if (uuid) roles.push({ key: id, path: `/clients/${seg(uuid)}/roles/${seg(k.name)}/users` });
    }
  }
  const groups = flattenGroups(exp, graph)
    .filter((g) => [...g.mapped].some((id) => !everyone.has(id)))
    .map((g) => ({ key: g.id, path: `/groups/${seg(g.id)}/members` }));
  return { roles, groups, everyone };
}

/** The lists read for a plan: lower-case role id -> direct users; group id -> direct members. */
export interface HolderLists {
  roleUsers: ReadonlyMap<string, readonly UserRep[]>;
  groupMembers: ReadonlyMap<string, readonly UserRep[]>;
}

/** A user as a coverage principal: the username is Keycloak's sign-in name. */
export function userPrincipal(u: UserRep): Principal {
  const full = [u.firstName, u.lastName].filter(Boolean).join(' ');
  return { id: u.id, type: 'User', displayName: full || u.username, userPrincipalName: u.username };
}

/** The usernames of the realm's service accounts: they get tokens with the client's secret, never by signing in. */
function serviceAccountNames(clients: readonly ClientRep[]): Set<string> {
  return new Set(
    clients
      .filter((c) => c.serviceAccountsEnabled)
      .map((c) => `service-account-${c.clientId}`.toLowerCase()),
  );
}

/** How a holding was found, best first: a direct mapping, then a group, then a composite. */
const RANK = { direct: 0, Group: 1, CompositeRole: 2 } as const;

/**
 * The users who sign in holding each role, one SignIn holding per user (the most direct way they hold it: a direct
 * mapping, else a group, else a composite role). Disabled users cannot sign in and service accounts never do:
 * neither is listed. Roles in `plan.everyone` are absent from the result (not judged).
 */
export function signInHoldings(
  exp: RealmExport,
  graph: RoleGraph,
  plan: HolderReadPlan,
  lists: HolderLists,
): Map<string, Holding[]> {
  const groups = flattenGroups(exp, graph);
  const skip = serviceAccountNames(exp.clients ?? []);
  const out = new Map<string, Holding[]>();
  for (const [id] of graph.byId) {
    if (plan.everyone.has(id)) continue;
    const sources = [id, ...compositesContaining(graph, id)];
    const granting = groups.filter((g) => sources.some((s) => g.mapped.has(s)));
    // A role or group the lists do not cover (created after they were read): its holders are unknown, and an
    // empty list would claim there are none.
    if (
      sources.some((s) => !lists.roleUsers.has(s)) ||
      granting.some((g) => !lists.groupMembers.has(g.id))
    )
      continue;
    const found = new Map<string, { rank: number; holding: Holding }>();
    const add = (u: UserRep, via: Holding['via'] | undefined): void => {
      if (u.enabled === false || skip.has(u.username.toLowerCase())) return;
      const rank = via ? RANK[via.kind as 'Group' | 'CompositeRole'] : RANK.direct;
      const had = found.get(u.id);
      if (had && had.rank <= rank) return;
      found.set(u.id, {
        rank,
        holding: { principal: userPrincipal(u), path: 'SignIn', ...(via ? { via } : {}) },
      });
    };
    for (const s of sources) {
      const via =
        s === id
          ? undefined
          : { kind: 'CompositeRole' as const, id: s, displayName: roleLabel(graph.byId.get(s)) };
      for (const u of lists.roleUsers.get(s) ?? []) add(u, via);
    }
    for (const g of granting) {
      for (const u of lists.groupMembers.get(g.id) ?? []) {
        add(u, { kind: 'Group', id: g.id, displayName: g.path });
      }
    }
    out.set(
      id,
      [...found.values()]
        .map((f) => f.holding)
        .sort((a, b) =>
          compareText(a.principal.userPrincipalName ?? '', b.principal.userPrincipalName ?? ''),
        ),
    );
  }
  return out;
}

/** A role's name for people: `name`, or `clientId/name` for a client role. */
export function roleLabel(k: RoleKey | undefined): string {
  if (!k) return '(unknown role)';
  return k.clientId ? `${k.clientId}/${k.name}` : k.name;
}

/** A client through which users can get tokens with their password alone (OAuth's password grant). */
export interface DirectGrantClient {
  clientId: string;
  displayName: string;
  /** The alias of the direct grant flow the client runs: its override, else the realm's. */
  flowAlias: string;
}

/** The enabled clients with direct access grants, and the direct grant flow each one runs. */
export function directGrantClients(exp: RealmExport): DirectGrantClient[] {
  const aliasById = new Map(
    (exp.authenticationFlows ?? []).filter((f) => f.id).map((f) => [f.id!, f.alias]),
  );
  return (exp.clients ?? [])
    .filter((c) => c.directAccessGrantsEnabled === true && c.enabled !== false && !c.bearerOnly)
    .map((c) => {
      const override = c.authenticationFlowBindingOverrides?.['direct_grant'];
      return {
        clientId: c.clientId,
        displayName: c.name && !c.name.startsWith('${') ? c.name : c.clientId,
        flowAlias:
          (override ? aliasById.get(override) : undefined) ?? exp.directGrantFlow ?? 'direct grant',
      };
    })
    .sort((a, b) => compareText(a.clientId, b.clientId));
}
