// Who holds the emulated tenant's roles: users, groups (role-assignable or not) and their memberships, the PIM
// schedule instances of directory roles (eligible and active), PIM for Groups schedule instances (eligible and
// active member/owner access) and the groups' own PIM policies. Shapes follow the Graph v1.0 resource pages:
// - user: https://learn.microsoft.com/graph/api/resources/user
// - group (isAssignableToRole): https://learn.microsoft.com/graph/api/resources/group
// - unifiedRoleEligibilityScheduleInstance: https://learn.microsoft.com/graph/api/resources/unifiedroleeligibilityscheduleinstance
// - unifiedRoleAssignmentScheduleInstance: https://learn.microsoft.com/graph/api/resources/unifiedroleassignmentscheduleinstance
// - privilegedAccessGroupEligibilityScheduleInstance:
//   https://learn.microsoft.com/graph/api/resources/privilegedaccessgroupeligibilityscheduleinstance
// - privilegedAccessGroupAssignmentScheduleInstance:
//   https://learn.microsoft.com/graph/api/resources/privilegedaccessgroupassignmentscheduleinstance
import { defaultRules, stableGuid, type Policy, type PolicyAssignment } from './catalog.js';

/** A user as Graph lists it (the properties the emulator keeps). */
export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

/** A group; `members` are the ids of its direct members (users or groups). */
export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Role-assignable groups can hold directory roles; they cannot have groups as members. */
  isAssignableToRole: boolean;
  members: string[];
  /**
   * Owner ids (users or service principals): they manage the group, and for a role-assignable group its
   * membership. Absent in state files written before owners were modelled.
   */
  owners?: string[];
}

/** A directory role schedule instance (eligible, or active with its assignmentType). */
export interface RoleInstance {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  startDateTime: string;
  /** null: permanent. */
  endDateTime: string | null;
  memberType: 'Direct' | 'Group' | 'Inherited';
  /** Active instances only: a standing assignment, or the result of activating an eligibility. */
  assignmentType?: 'Assigned' | 'Activated';
}

/** A PIM for Groups schedule instance (eligible, or active with its assignmentType). */
export interface GroupInstance {
  id: string;
  groupId: string;
  principalId: string;
  accessId: 'member' | 'owner';
  startDateTime: string;
  endDateTime: string | null;
  memberType: 'direct' | 'group';
  assignmentType?: 'assigned' | 'activated';
}

/** The directory part of a tenant's state (absent in state files written before holders were modelled). */
export interface DirectoryData {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  roleEligibilities: RoleInstance[];
  roleAssignments: RoleInstance[];
  groupEligibilities: GroupInstance[];
  groupAssignments: GroupInstance[];
  /** PIM for Groups policies (scopeType Group, one per group and access) and their assignments. */
  groupPolicies: Policy[];
  groupPolicyAssignments: PolicyAssignment[];
}

/** An empty directory. */
export function emptyDirectory(): DirectoryData {
  return {
    users: [],
    groups: [],
    roleEligibilities: [],
    roleAssignments: [],
    groupEligibilities: [],
    groupAssignments: [],
    groupPolicies: [],
    groupPolicyAssignments: [],
  };
}

/**
 * What a test or the control API seeds (`POST /_emulator/directory`): every entry is added, or replaces the entry
 * of the same id. Ids may be left out: users get `userId(upn)`, groups `groupId(displayName)`.
 */
export interface DirectorySeed {
  users?: Array<{ id?: string; displayName?: string; userPrincipalName: string }>;
  groups?: Array<{
    id?: string;
    displayName: string;
    isAssignableToRole?: boolean;
    /** Direct member ids (users, or groups for a group that is not role-assignable). */
    members?: string[];
    /** Owner ids (https://learn.microsoft.com/graph/api/group-list-owners). */
    owners?: string[];
    /**
     * Onboards the group to PIM for Groups: the activation requirements (Enablement_EndUser_Assignment
     * enabledRules) of its member and owner access. Without it, the group has no group policies.
     */
    pim?: { member?: string[]; owner?: string[] };
  }>;
  roleEligibilities?: Array<RoleInstanceSeed>;
  roleAssignments?: Array<RoleInstanceSeed & { assignmentType?: 'Assigned' | 'Activated' }>;
  groupEligibilities?: Array<GroupInstanceSeed>;
  groupAssignments?: Array<GroupInstanceSeed & { assignmentType?: 'assigned' | 'activated' }>;
}

/** One directory role instance to seed. */
export interface RoleInstanceSeed {
  id?: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
  startDateTime?: string;
  endDateTime?: string | null;
}

/** One PIM for Groups instance to seed. */
export interface GroupInstanceSeed {
  id?: string;
  groupId: string;
  principalId: string;
  accessId?: 'member' | 'owner';
  startDateTime?: string;
  endDateTime?: string | null;
}

/** The object id the emulator gives a user seeded without one. */
export const userId = (upn: string): string => stableGuid('user', upn.toLowerCase());
/** The object id the emulator gives a group seeded without one. */
export const groupId = (displayName: string): string => stableGuid('group', displayName);

const SEED_START = '2026-01-05T09:00:00Z';

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${what} must be a non-empty string`);
  return v;
}

/** The id of a PIM for Groups policy: `Group_{groupId}_{guid}`, like the service's. */
export function groupPolicyId(gid: string, access: string): string {
  return `Group_${gid}_${stableGuid('group-policy', gid, access)}`;
}

/** A PIM for Groups policy of one access of a group with the given activation requirements. */
export function groupPolicy(
  gid: string,
  access: 'member' | 'owner',
  enabledRules: string[],
): { policy: Policy; assignment: PolicyAssignment } {
  const id = groupPolicyId(gid, access);
  const policy: Policy = {
    id,
    displayName: 'Group',
    description: 'Group',
    isOrganizationDefault: false,
    scopeId: gid,
    scopeType: 'Group',
    lastModifiedDateTime: null,
    lastModifiedBy: { displayName: null, id: null },
    rules: defaultRules(enabledRules),
  };
  return {
    policy,
    assignment: {
      id: `${id}_${access}`,
      policyId: id,
      scopeId: gid,
      scopeType: 'Group',
      roleDefinitionId: access,
    },
  };
}

/** Adds (or replaces by id) what a seed names. Throws on input Graph would not accept. */
export function applySeed(d: DirectoryData, seed: DirectorySeed): void {
  // One index per list, so that seeding tens of thousands of instances stays linear.
  const indexes = new Map<unknown[], Map<string, number>>();
  const upsert = <T extends { id: string }>(list: T[], x: T): void => {
    let idx = indexes.get(list);
    if (!idx) {
      idx = new Map(list.map((y, i) => [y.id.toLowerCase(), i]));
      indexes.set(list, idx);
    }
    const k = x.id.toLowerCase();
    const i = idx.get(k);
    if (i !== undefined) list[i] = x;
    else {
      idx.set(k, list.length);
      list.push(x);
    }
  };
  for (const u of seed.users ?? []) {
    const upn = str(u.userPrincipalName, 'userPrincipalName');
    upsert(d.users, {
      id: (u.id ?? userId(upn)).toLowerCase(),
      displayName: u.displayName ?? upn.split('@')[0]!,
      userPrincipalName: upn,
    });
  }
  for (const g of seed.groups ?? []) {
    const name = str(g.displayName, 'group displayName');
    const id = (g.id ?? groupId(name)).toLowerCase();
    const members = (g.members ?? []).map((m) => str(m, 'member id').toLowerCase());
    const owners = (g.owners ?? []).map((m) => str(m, 'owner id').toLowerCase());
    const assignable = g.isAssignableToRole ?? false;
    upsert(d.groups, { id, displayName: name, isAssignableToRole: assignable, members, owners });
    for (const access of ['member', 'owner'] as const) {
      const rules = g.pim?.[access];
      if (rules === undefined) continue;
      const { policy, assignment } = groupPolicy(id, access, rules);
      upsert(d.groupPolicies, policy);
      upsert(d.groupPolicyAssignments, assignment);
    }
  }
  // Role-assignable groups take no groups as members ("group nesting isn't supported"):
  // https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
  const groupIds = new Set(d.groups.map((g) => g.id));
  for (const g of d.groups) {
    if (g.isAssignableToRole && g.members.some((m) => groupIds.has(m)))
      throw new Error(`role-assignable group ${g.displayName} cannot have a group as a member`);
  }
  const roleInstance = (
    x: RoleInstanceSeed & { assignmentType?: 'Assigned' | 'Activated' },
    kind: 'eligible' | 'active',
  ): RoleInstance => {
    const principalId = str(x.principalId, 'principalId').toLowerCase();
    const roleDefinitionId = str(x.roleDefinitionId, 'roleDefinitionId').toLowerCase();
    const assignmentType = kind === 'active' ? (x.assignmentType ?? 'Assigned') : undefined;
    return {
      id: x.id ?? stableGuid(kind, principalId, roleDefinitionId, assignmentType ?? ''),
      principalId,
      roleDefinitionId,
      directoryScopeId: x.directoryScopeId ?? '/',
      startDateTime: x.startDateTime ?? SEED_START,
      endDateTime: x.endDateTime ?? null,
      memberType: 'Direct',
      ...(assignmentType ? { assignmentType } : {}),
    };
  };
  for (const x of seed.roleEligibilities ?? [])
    upsert(d.roleEligibilities, roleInstance(x, 'eligible'));
  for (const x of seed.roleAssignments ?? []) upsert(d.roleAssignments, roleInstance(x, 'active'));
  const groupInstance = (
    x: GroupInstanceSeed & { assignmentType?: 'assigned' | 'activated' },
    kind: 'eligible' | 'active',
  ): GroupInstance => {
    const gid = str(x.groupId, 'groupId').toLowerCase();
    const principalId = str(x.principalId, 'principalId').toLowerCase();
    const accessId = x.accessId ?? 'member';
    if (accessId !== 'member' && accessId !== 'owner')
      throw new Error(`accessId must be member or owner, not ${String(accessId)}`);
    const assignmentType = kind === 'active' ? (x.assignmentType ?? 'assigned') : undefined;
    return {
      // The service's ids read {groupId}_{accessId}_{guid}.
      id: x.id ?? `${gid}_${accessId}_${stableGuid(kind, gid, principalId, accessId)}`,
      groupId: gid,
      principalId,
      accessId,
      startDateTime: x.startDateTime ?? SEED_START,
      endDateTime: x.endDateTime ?? null,
      memberType: 'direct',
      ...(assignmentType ? { assignmentType } : {}),
    };
  };
  for (const x of seed.groupEligibilities ?? [])
    upsert(d.groupEligibilities, groupInstance(x, 'eligible'));
  for (const x of seed.groupAssignments ?? [])
    upsert(d.groupAssignments, groupInstance(x, 'active'));
  // Active member access of a group is membership, active owner access ownership: an assigned or activated
  // member is in `members`, an owner in `owners`
  // (https://learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups).
  const byId = new Map(d.groups.map((g) => [g.id, g]));
  for (const a of d.groupAssignments) {
    const g = byId.get(a.groupId);
    if (!g) continue;
    const list = a.accessId === 'member' ? g.members : (g.owners ??= []);
    if (!list.includes(a.principalId)) list.push(a.principalId);
  }
}

/** The role template ids the default seed uses. */
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';

/** The role-assignable group of the default tenant. */
export const SEEDED_TIER0_GROUP = 'Tier0 Security Operators';

/**
 * The default tenant's holders, so that `npm start` shows every path: standing Global Administrators (alice, and
 * the break-glass account a Conditional Access policy is expected to exclude), an eligible Global Administrator
 * (bob, covered by the role's activation MFA), an eligible User Administrator whose activation asks no MFA (bob),
 * an activation in progress (carol: the Activated instance is the use of her eligibility), and a role-assignable
 * group holding Security Administrator whose eligible member (dave) activates the membership without MFA, beside
 * an active member (erin) and an owner (olivia), who can make herself a member.
 */
export function defaultDirectorySeed(): DirectorySeed {
  const upn = (n: string): string => `${n}@contoso.example`;
  const u = (n: string): string => userId(upn(n));
  const tier0 = groupId(SEEDED_TIER0_GROUP);
  return {
    users: [
      { displayName: 'Alice Admin', userPrincipalName: upn('alice') },
      { displayName: 'Bob Builder', userPrincipalName: upn('bob') },
      { displayName: 'Carol Cloud', userPrincipalName: upn('carol') },
      { displayName: 'Dave Defender', userPrincipalName: upn('dave') },
      { displayName: 'Erin Engineer', userPrincipalName: upn('erin') },
      { displayName: 'Break Glass', userPrincipalName: upn('breakglass') },
      { displayName: 'Olivia Owner', userPrincipalName: upn('olivia') },
    ],
    groups: [
      {
        displayName: SEEDED_TIER0_GROUP,
        isAssignableToRole: true,
        members: [],
        owners: [u('olivia')],
        pim: { member: ['Justification'], owner: ['MultiFactorAuthentication', 'Justification'] },
      },
    ],
    roleAssignments: [
      { principalId: u('alice'), roleDefinitionId: GLOBAL_ADMIN },
      { principalId: u('breakglass'), roleDefinitionId: GLOBAL_ADMIN },
      {
        principalId: u('carol'),
        roleDefinitionId: GLOBAL_ADMIN,
        assignmentType: 'Activated',
        startDateTime: '2026-01-05T09:00:00Z',
        endDateTime: '2026-01-05T17:00:00Z',
      },
      { principalId: tier0, roleDefinitionId: SECURITY_ADMIN },
      {
        principalId: u('erin'),
        roleDefinitionId: EXCHANGE_ADMIN,
        endDateTime: '2027-01-01T00:00:00Z',
      },
    ],
    roleEligibilities: [
      { principalId: u('bob'), roleDefinitionId: GLOBAL_ADMIN },
      { principalId: u('carol'), roleDefinitionId: GLOBAL_ADMIN },
      { principalId: u('bob'), roleDefinitionId: USER_ADMIN, endDateTime: '2027-06-30T00:00:00Z' },
    ],
    groupEligibilities: [{ groupId: tier0, principalId: u('dave'), accessId: 'member' }],
    groupAssignments: [{ groupId: tier0, principalId: u('erin'), accessId: 'member' }],
  };
}

/** Options of {@link syntheticDirectory}. */
export interface SyntheticDirectoryOptions {
  /** Role ids to spread holders over. */
  roleIds: readonly string[];
  /** Directory role instances in all (eligible and active, about half each). */
  instances: number;
  /** Role-assignable groups, each holding one role and onboarded to PIM for Groups. */
  groups: number;
  /** Users (default instances / 5, at least 1). */
  users?: number;
  /** Eligible and active members per group (default 4 and 4). */
  membersPerGroup?: number;
}

/**
 * A large deterministic directory for benchmarks: users holding roles eligibly and actively (one in ten active
 * instances an activation), role-assignable groups holding roles with eligible and active members.
 */
export function syntheticDirectory(o: SyntheticDirectoryOptions): DirectorySeed {
  const nUsers = Math.max(1, o.users ?? Math.floor(o.instances / 5));
  const per = o.membersPerGroup ?? 4;
  const users = Array.from({ length: nUsers }, (_, i) => ({
    id: stableGuid('synthetic-user', String(i)),
    displayName: `Synthetic User ${i + 1}`,
    userPrincipalName: `user${i + 1}@synthetic.example`,
  }));
  const roles = o.roleIds.length > 0 ? o.roleIds : [GLOBAL_ADMIN];
  const roleEligibilities: RoleInstanceSeed[] = [];
  const roleAssignments: NonNullable<DirectorySeed['roleAssignments']> = [];
  const groups: NonNullable<DirectorySeed['groups']> = [];
  const groupEligibilities: GroupInstanceSeed[] = [];
  const groupAssignments: GroupInstanceSeed[] = [];
  for (let g = 0; g < o.groups; g++) {
    const id = stableGuid('synthetic-group', String(g));
    groups.push({
      id,
      displayName: `Synthetic Group ${g + 1}`,
      isAssignableToRole: true,
      pim: { member: g % 2 === 0 ? ['Justification'] : ['MultiFactorAuthentication'], owner: [] },
    });
    roleAssignments.push({
      id: stableGuid('synthetic-sg', String(g)),
      principalId: id,
      roleDefinitionId: roles[g % roles.length]!,
    });
    for (let k = 0; k < per; k++) {
      const e = users[(g * 2 * per + k) % nUsers]!.id;
      const a = users[(g * 2 * per + per + k) % nUsers]!.id;
      groupEligibilities.push({ groupId: id, principalId: e });
      groupAssignments.push({ groupId: id, principalId: a });
    }
  }
  const n = Math.max(0, o.instances - o.groups);
  for (let i = 0; i < n; i++) {
    const principalId = users[i % nUsers]!.id;
    // Successive instances of one user land on different roles, so no pair repeats before nUsers * roles.
    const roleDefinitionId = roles[Math.floor(i / nUsers + i) % roles.length]!;
    if (i % 2 === 0)
      roleEligibilities.push({
        id: stableGuid('synthetic-se', String(i)),
        principalId,
        roleDefinitionId,
      });
    else
      roleAssignments.push({
        id: stableGuid('synthetic-sa', String(i)),
        principalId,
        roleDefinitionId,
        ...(i % 20 === 1
          ? { assignmentType: 'Activated' as const, endDateTime: '2026-01-05T17:00:00Z' }
          : {}),
      });
  }
  return {
    users,
    groups,
    roleEligibilities,
    roleAssignments,
    groupEligibilities,
    groupAssignments,
  };
}
