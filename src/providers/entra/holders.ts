// Pure. Who holds each Entra directory role, from what one bulk read of the tenant returned (see
// holders-read.ts): PIM schedule instances of the roles, the role-assignable groups among their principals with
// their members and PIM for Groups instances and policies, and the groups Conditional Access names. The result
// is each role's CoverageFacts without `policies` (Conditional Access is read and judged elsewhere).
import { compareText } from '../../api/compare-text.js';
import type { CoverageFacts, GroupActivation, Holding, Principal } from '../../api/coverage.js';
import { ENABLEMENT_RULE, findRule, hasMfa, type GraphPolicyAssignment } from './mapping.js';

/** A directory role schedule instance (unifiedRoleEligibilityScheduleInstance / ...AssignmentScheduleInstance). */
export interface RoleScheduleInstance {
  id?: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  endDateTime?: string | null;
  /** `Direct`, `Group` (held through a group: rolegate expands groups itself) or `Inherited`. */
  memberType?: string | null;
  /** Active instances: `Assigned` (standing) or `Activated` (the use of an eligibility). */
  assignmentType?: string | null;
}

/** A PIM for Groups schedule instance (privilegedAccessGroup{Eligibility,Assignment}ScheduleInstance). */
export interface GroupScheduleInstance {
  principalId: string;
  groupId: string;
  /** `member` or `owner`. */
  accessId: string;
  endDateTime?: string | null;
  /** Active instances: `assigned` or `activated`. */
  assignmentType?: string | null;
}

/** What was read about one group. */
export interface GroupRead {
  /** Transitive member ids (users, service principals, nested groups). */
  members: string[];
  /** Owner ids (groups/{id}/owners); undefined when the group's owners were not read. */
  owners?: string[];
  /** PIM for Groups eligibility instances (undefined when the group was not read for PIM for Groups). */
  eligible?: GroupScheduleInstance[];
  /** PIM for Groups assignment instances. */
  active?: GroupScheduleInstance[];
  /** The group's policy assignments (scopeType Group) with their policies and rules. */
  policies?: readonly GraphPolicyAssignment[];
}

/** Everything one bulk read of holders returned. */
export interface HoldersRead {
  eligibilities: readonly RoleScheduleInstance[];
  assignments: readonly RoleScheduleInstance[];
  /** Principals by lower-case id. */
  principals: ReadonlyMap<string, Principal>;
  /** Groups by lower-case id: those holding roles and those Conditional Access names. */
  groups: ReadonlyMap<string, GroupRead>;
}

const lc = (s: string): string => s.toLowerCase();

/** A principal by id, or a stand-in named by its id when the directory did not return it (deleted, hidden). */
function principalOf(read: HoldersRead, id: string, type: Principal['type'] = 'User'): Principal {
  return read.principals.get(lc(id)) ?? { id: lc(id), type, displayName: id };
}

/** The activation rules of a group's member and owner access (no policy read: neither asks for MFA). */
export function groupActivationOf(g: GroupRead | undefined): GroupActivation {
  const mfa = (access: string): boolean => {
    const a = (g?.policies ?? []).find((p) => lc(p.roleDefinitionId) === access);
    return hasMfa(findRule(a?.policy?.rules, ENABLEMENT_RULE)?.enabledRules ?? []);
  };
  return { member: mfa('member'), owner: mfa('owner') };
}

/** Whether a role instance should count: instances inherited through a group are expanded from the group. */
const direct = (x: RoleScheduleInstance): boolean => lc(x.memberType ?? 'direct') !== 'group';

const isGroup = (read: HoldersRead, id: string): boolean =>
  read.principals.get(lc(id))?.type === 'Group' || read.groups.has(lc(id));

/**
 * The holdings of one group-held role instance: who uses the role through the group, and how.
 * - The group is eligible for the role: every member activates the role itself, so each holds it `Eligible`.
 * - The group holds the role actively: standing members hold it `GroupActive`; eligible members (PIM for Groups,
 *   accessId member) and members whose membership is an activation hold it `GroupEligible`.
 * - Either way, owners (plain, or eligible or active PIM for Groups owners) hold it `GroupOwner`: they can make
 *   themselves members.
 */
function groupHoldings(
  read: HoldersRead,
  groupId: string,
  roleEligible: boolean,
  endDateTime: string | null | undefined,
): Holding[] {
  const gid = lc(groupId);
  const g = read.groups.get(gid);
  const group = principalOf(read, gid, 'Group');
  const via = { kind: 'Group' as const, id: gid, displayName: group.displayName };
  const out: Holding[] = [];
  const end = (x: string | null | undefined): { endDateTime?: string } => {
    // The role use ends when the first of the group's role assignment and the membership ends.
    const ends = [x, endDateTime].filter((v): v is string => typeof v === 'string').sort();
    return ends[0] === undefined ? {} : { endDateTime: ends[0] };
  };
  const activated = new Set(
    (g?.active ?? [])
      .filter((a) => lc(a.accessId) === 'member' && lc(a.assignmentType ?? '') === 'activated')
      .map((a) => lc(a.principalId)),
  );
  const membership = new Map(
    (g?.active ?? [])
      .filter((a) => lc(a.accessId) === 'member')
      .map((a) => [lc(a.principalId), a.endDateTime] as const),
  );
  for (const m of g?.members ?? []) {
    const id = lc(m);
    // Role-assignable groups have no nested groups; a group listed anyway holds nothing itself.
    if (isGroup(read, id) || activated.has(id)) continue;
    out.push({
      principal: principalOf(read, id),
      path: roleEligible ? 'Eligible' : 'GroupActive',
      via,
      ...end(membership.get(id)),
    });
  }
  for (const e of g?.eligible ?? []) {
    if (lc(e.accessId) !== 'member') continue;
    out.push({
      principal: principalOf(read, e.principalId),
      path: roleEligible ? 'Eligible' : 'GroupEligible',
      via,
      ...end(e.endDateTime),
    });
  }
  // Owners manage the membership of the group, so each can make themselves a member: plain owners, and eligible
  // and active owners of PIM for Groups (an active owner is among the plain owners too; a holding counts once).
  const owner = (id: string, endAt: string | null | undefined): Holding => ({
    principal: principalOf(read, id),
    path: 'GroupOwner',
    via,
    ...end(endAt),
    ...(roleEligible ? { groupEligibleForRole: true } : {}),
  });
  const timed = [...(g?.eligible ?? []), ...(g?.active ?? [])].filter(
    (x) => lc(x.accessId) === 'owner',
  );
  const timedIds = new Set(timed.map((x) => lc(x.principalId)));
  for (const x of timed) out.push(owner(x.principalId, x.endDateTime));
  for (const o of g?.owners ?? []) if (!timedIds.has(lc(o))) out.push(owner(o, undefined));
  return out;
}

/** One key per (principal, path, via), so a holder listed twice the same way counts once. */
const holdingKey = (h: Holding): string => `${h.principal.id}|${h.path}|${h.via?.id ?? ''}`;

/**
 * Each role's coverage facts (without Conditional Access policies), keyed by lower-case role definition id, for
 * every role that has at least one holder. A role absent from the map has no holders (see {@link emptyFacts}).
 * `templateIdOf` gives a role's template id (built-in roles: the id itself).
 */
export function coverageByRole(
  read: HoldersRead,
  templateIdOf: (roleId: string) => string | undefined = (id) => id,
): Map<string, CoverageFacts> {
  const holdings = new Map<string, Map<string, Holding>>();
  // One object per distinct holding, shared by every role held that way: an administrator is usually eligible
  // for (or assigned) several roles the same way, and the facts are read-only.
  const distinct = new Map<string, Holding>();
  const shared = (h: Holding, key: string): Holding => {
    const k = `${key}|${h.endDateTime ?? ''}|${h.groupEligibleForRole === true}`;
    const known = distinct.get(k);
    if (known) return known;
    distinct.set(k, h);
    return h;
  };
  const add = (roleId: string, hs: Holding[]): void => {
    const k = lc(roleId);
    let m = holdings.get(k);
    if (!m) holdings.set(k, (m = new Map()));
    for (const h of hs) {
      const key = holdingKey(h);
      if (!m.has(key)) m.set(key, shared(h, key));
    }
  };
  const endOf = (x: RoleScheduleInstance): { endDateTime?: string } =>
    typeof x.endDateTime === 'string' ? { endDateTime: x.endDateTime } : {};
  for (const x of read.eligibilities) {
    if (!direct(x)) continue;
    if (isGroup(read, x.principalId))
      add(x.roleDefinitionId, groupHoldings(read, x.principalId, true, x.endDateTime));
    else
      add(x.roleDefinitionId, [
        { principal: principalOf(read, x.principalId), path: 'Eligible', ...endOf(x) },
      ]);
  }
  for (const x of read.assignments) {
    // An Activated instance is the use of an eligibility, which is counted as Eligible already.
    if (!direct(x) || lc(x.assignmentType ?? 'assigned') !== 'assigned') continue;
    if (isGroup(read, x.principalId))
      add(x.roleDefinitionId, groupHoldings(read, x.principalId, false, x.endDateTime));
    else
      add(x.roleDefinitionId, [
        { principal: principalOf(read, x.principalId), path: 'Active', ...endOf(x) },
      ]);
  }

  // Holder -> the groups read that list it as a transitive member (for include/exclude by group).
  const memberOfAll = new Map<string, string[]>();
  for (const [gid, g] of read.groups) {
    for (const m of g.members) {
      const k = lc(m);
      const list = memberOfAll.get(k);
      if (list) list.push(gid);
      else memberOfAll.set(k, [gid]);
    }
  }

  // One record of memberships and one of group activation rules for the whole read, shared by every role's facts:
  // a tenant's holders hold many roles each, and a record per role (even of shared lists) was a hash table per
  // role, about a megabyte at 5,000 roles. A lookup by a holder's id finds the same groups in either. Only holders
  // and the groups roles are held through get an entry: a group Conditional Access names can have a whole
  // directory of members, who need none.
  const memberOf = idRecord<string[]>();
  const groupActivation = idRecord<GroupActivation>();
  const enter = (id: string): void => {
    if (id in memberOf) return;
    const all = memberOfAll.get(id);
    if (all) memberOf[id] = [...new Set(all)].sort();
  };
  for (const m of holdings.values())
    for (const h of m.values()) {
      enter(h.principal.id);
      if (h.via?.kind !== 'Group') continue;
      enter(h.via.id);
      if (!(h.via.id in groupActivation))
        groupActivation[h.via.id] = groupActivationOf(read.groups.get(h.via.id));
    }

  const out = new Map<string, CoverageFacts>();
  for (const [roleId, m] of holdings) {
    const list = [...m.values()].sort(
      (a, b) =>
        compareText(a.path, b.path) ||
        compareText(
          a.principal.userPrincipalName ?? a.principal.displayName,
          b.principal.userPrincipalName ?? b.principal.displayName,
        ) ||
        compareText(a.principal.id, b.principal.id),
    );
    const template = templateIdOf(roleId);
    out.set(roleId, {
      holdings: list,
      policies: [],
      memberOf,
      groupActivation,
      ...(template === undefined ? {} : { directoryRoleId: lc(template) }),
    });
  }
  return out;
}

/**
 * An empty record to be keyed by object ids. V8 gives an object literal a new hidden class for every distinct
 * sequence of keys added to it, so thousands of records keyed by ids (one per role) made tens of thousands of
 * hidden classes, megabytes that are never freed; an object without a prototype is a hash table from the start.
 */
function idRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The facts of a role the holder read found no holder of (Azure roles have no directory role id). */
export function emptyFacts(directoryRoleId?: string): CoverageFacts {
  return {
    holdings: [],
    policies: [],
    memberOf: {},
    groupActivation: {},
    ...(directoryRoleId === undefined ? {} : { directoryRoleId: lc(directoryRoleId) }),
  };
}

/** The Principal of a directoryObject as Graph returns it (getByIds, transitiveMembers, `$expand=principal`). */
export function principalFromObject(o: {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}): Principal {
  const t = lc(o['@odata.type'] ?? '');
  const type: Principal['type'] = t.endsWith('.group')
    ? 'Group'
    : t.endsWith('.serviceprincipal')
      ? 'ServicePrincipal'
      : 'User';
  return {
    id: lc(o.id),
    type,
    displayName: o.displayName ?? o.userPrincipalName ?? o.id,
    ...(type === 'User' && o.userPrincipalName ? { userPrincipalName: o.userPrincipalName } : {}),
  };
}
