// A point-in-time view of an Entra tenant's PIM policies: the directory roles' definitions (for names) and every
// policy assignment at scope '/' with its policy and rules, the Azure roles' policy assignments at each configured
// ARM scope, and the verdict on every authentication context in use; resolved by id or display name.
import { compareText } from '../../api/compare-text.js';
import type { CoverageFacts } from '../../api/coverage.js';
import { authenticationContext, type LiveRole, type RoleLookup } from '../../api/observation.js';
import type { ProviderSnapshot, RoleReference } from '../types.js';
import {
  armName,
  liveRoleFromArm,
  type ArmPolicyAssignment,
  type ArmRoleDefinition,
} from './arm-mapping.js';
import type { AccessPolicy } from '../../api/coverage.js';
import { attachAccessPolicies } from './access-policy.js';
import type { ContextVerdicts } from './conditional-access.js';
import { emptyFacts, type RoleScheduleInstance } from './holders.js';
import { groupAccessOf, type GroupAccess } from '../../api/role-target.js';
import {
  accessOf,
  liveRoleFromGroupPolicy,
  type GraphGroup,
  type GroupPolicyRead,
} from './group-policies.js';
import {
  DIRECTORY_SCOPE,
  liveRoleFromPolicy,
  type GraphPolicyAssignment,
  type GraphRoleDefinition,
} from './mapping.js';

/** What was read at one configured ARM scope. */
export interface ArmScopeRead {
  /** The scope as configured in spec.entra.azureRbac.scopes. */
  scope: string;
  definitions: readonly ArmRoleDefinition[];
  assignments: readonly ArmPolicyAssignment[];
  /** The scope's role schedule instances (holders), when read; the role is the definition GUID. */
  instances?: { eligible: RoleScheduleInstance[]; active: RoleScheduleInstance[] };
  /** Why the instances were not read, when their read failed. */
  instancesNote?: string;
}

/** What a snapshot holds besides the directory roles (all optional: the directory-only snapshot needs none). */
export interface EntraSnapshotExtras {
  /**
   * What the Conditional Access read gave: verdicts on authentication contexts and every policy as coverage sees
   * it (put into the coverage facts of each role whose holders were read).
   */
  contexts?: ContextVerdicts & { policies?: AccessPolicy[] };
  /** The configured ARM scopes, read or not (a scope that is not configured is refused by name). */
  armScopes?: readonly string[];
  /** What was read at each ARM scope. */
  arm?: readonly ArmScopeRead[];
  /** False when spec.entra.directoryRoles is false: directory roles were not read. */
  directoryRoles?: boolean;
  /**
   * Who holds each directory role (lower-case role id -> facts; a role absent here has no holders). Absent when
   * holders were not read or the read failed: the roles then carry no `coverage` and it is not judged.
   */
  holders?: ReadonlyMap<string, CoverageFacts>;
  /** Why holders were not read, when the read failed (names the missing permission on a 403). */
  holdersNote?: string;
  /**
   * Who holds the Azure roles of each ARM scope whose instances were read: scope (lower case, no trailing slash,
   * followed by `|`) -> role definition GUID -> facts; a role absent from its scope's map has no holders.
   */
  armHolders?: ReadonlyMap<string, ReadonlyMap<string, CoverageFacts>>;
  /** The role-assignable groups with their PIM for Groups policies; absent when they were not read. */
  groups?: readonly GroupPolicyRead[];
  /** Why PIM for Groups policies are not known (not read, or the read failed), for lookups by group. */
  groupsNote?: string;
}

/** One role-assignable group and the LiveRoles of its accesses that have a policy. */
interface GroupView {
  group: GraphGroup;
  live: Map<GroupAccess, LiveRole>;
}

interface ArmScopeView {
  scope: string;
  definitions: ArmRoleDefinition[];
  live: Map<string, LiveRole>;
}

/** A scope's comparison key: ARM ids are case-insensitive, a trailing slash means nothing. */
const scopeKey = (s: string): string => s.replace(/\/+$/, '').toLowerCase();

/** The snapshot of one tenant. */
export class EntraSnapshot implements ProviderSnapshot {
  private readonly live = new Map<string, LiveRole>();
  private readonly definitions: GraphRoleDefinition[];
  private readonly arm = new Map<string, ArmScopeView>();
  private readonly armScopes: readonly string[];
  private readonly directoryRoles: boolean;
  /** Lookups by id/template id and by display name, so that resolving N roles is O(N), not O(N²). */
  private readonly byId = new Map<string, GraphRoleDefinition>();
  private readonly byName = new Map<string, GraphRoleDefinition[]>();
  /** Why holders are not known, when their read failed. */
  readonly holdersNote: string | undefined;
  /** Role-assignable groups by lower-case id and by display name; undefined when they were not read. */
  private readonly groups: Map<string, GroupView> | undefined;
  private readonly groupsByName = new Map<string, GroupView[]>();
  private readonly groupsNote: string | undefined;

  constructor(
    definitions: readonly GraphRoleDefinition[],
    assignments: readonly GraphPolicyAssignment[],
    readonly observedAt: string,
    extras: EntraSnapshotExtras = {},
  ) {
    this.definitions = [...definitions];
    this.armScopes = [...(extras.armScopes ?? [])];
    this.directoryRoles = extras.directoryRoles ?? true;
    const contexts = extras.contexts;
    this.holdersNote = extras.holdersNote;
    const byId = this.byId;
    for (const d of definitions) {
      byId.set(d.id.toLowerCase(), d);
      if (d.templateId) byId.set(d.templateId.toLowerCase(), d);
      const named = this.byName.get(d.displayName);
      if (named) named.push(d);
      else this.byName.set(d.displayName, [d]);
    }
    for (const a of assignments) {
      if (a.scopeId !== DIRECTORY_SCOPE || a.scopeType !== 'DirectoryRole' || !a.policy) continue;
      const def = byId.get(a.roleDefinitionId.toLowerCase());
      // A policy of a role the definitions listing did not show still counts; its id stands in for a name.
      const role = { id: a.roleDefinitionId, displayName: def?.displayName ?? a.roleDefinitionId };
      const live = liveRoleFromPolicy(role, a.policy, contexts?.verdicts);
      const noted = withNote(live, contexts?.note);
      this.live.set(
        a.roleDefinitionId.toLowerCase(),
        extras.holders
          ? { ...noted, coverage: factsOf(extras.holders, a.roleDefinitionId, def?.templateId) }
          : noted,
      );
    }
    for (const read of extras.arm ?? []) {
      // Only the id and name of each definition are read later; ARM lists them with descriptions, permissions and
      // assignable scopes, which would otherwise stay in memory for as long as the snapshot does.
      const view: ArmScopeView = {
        scope: read.scope,
        definitions: read.definitions.map((d) => ({
          id: d.id,
          name: d.name,
          properties: { roleName: d.properties.roleName },
        })),
        live: new Map(),
      };
      const names = new Map(read.definitions.map((d) => [armName(d.id), d.properties.roleName]));
      for (const a of read.assignments) {
        const guid = armName(a.properties.roleDefinitionId);
        const name =
          names.get(guid) ??
          a.properties.policyAssignmentProperties?.roleDefinition?.displayName ??
          guid;
        const role = liveRoleFromArm(
          { id: guid, displayName: name },
          read.scope,
          a.properties.policyId,
          a.properties.effectiveRules,
          contexts,
        );
        const holders = extras.armHolders?.get(`${scopeKey(read.scope)}|`);
        view.live.set(
          guid,
          holders ? { ...role, coverage: holders.get(guid) ?? emptyFacts() } : role,
        );
      }
      this.arm.set(scopeKey(read.scope), view);
    }
    this.groupsNote = extras.groupsNote;
    if (extras.groups) {
      this.groups = new Map();
      for (const r of extras.groups) {
        const view: GroupView = { group: r.group, live: new Map() };
        for (const a of r.assignments) {
          const access = accessOf(a);
          if (!access || !a.policy) continue;
          view.live.set(
            access,
            withNote(
              liveRoleFromGroupPolicy(r.group, access, a.policy, contexts?.verdicts),
              contexts?.note,
            ),
          );
        }
        this.groups.set(r.group.id.toLowerCase(), view);
        const named = this.groupsByName.get(r.group.displayName);
        if (named) named.push(view);
        else this.groupsByName.set(r.group.displayName, [view]);
      }
    } else {
      this.groups = undefined;
    }
    // Last, once every role carries the coverage facts of its holders (if they were read): the tenant's
    // Conditional Access policies go into each of them.
    if (contexts?.policies !== undefined) {
      const policies = contexts.policies;
      for (const [k, r] of this.live)
        this.live.set(k, withAccessPolicies(r, policies, contexts.note));
      for (const v of this.arm.values())
        for (const [k, r] of v.live) v.live.set(k, attachAccessPolicies(r, policies));
    }
  }

  /** Every role with a PIM policy, sorted by display name, then scope, then id. */
  roles(): readonly LiveRole[] {
    const all = [...this.live.values()];
    for (const v of this.arm.values()) all.push(...v.live.values());
    for (const g of this.groups?.values() ?? []) all.push(...g.live.values());
    return all.sort(
      (a, b) =>
        compareText(a.roleDisplayName, b.roleDisplayName) ||
        compareText(a.scope, b.scope) ||
        compareText(a.roleId, b.roleId),
    );
  }

  /**
   * Resolves a role by id (case-insensitive; id or template id, or an Azure role definition GUID or full id)
   * or by display name (exact). Scope '/' means a directory role; a configured ARM scope means an Azure role.
   */
  resolve(ref: RoleReference, scope: string): RoleLookup {
    const access = groupAccessOf(scope);
    if (access) return this.resolveGroup(ref, access);
    if (scope !== DIRECTORY_SCOPE) {
      const view = this.arm.get(scopeKey(scope));
      if (view) return this.resolveArm(ref, view);
      if (this.armScopes.length === 0) {
        return {
          kind: 'NotFound',
          message: `Entra directory roles have PIM policies at scope '/' only; scope '${scope}' is an Azure RBAC scope, and Azure RBAC scopes are not supported by this provider yet without spec.entra.azureRbac.scopes (none are configured)`,
        };
      }
      return {
        kind: 'NotFound',
        message: `scope '${scope}' is neither '/' (directory roles) nor one of the Azure RBAC scopes in spec.entra.azureRbac.scopes (${this.armScopes.join(', ')})`,
      };
    }
    if (!this.directoryRoles) {
      return {
        kind: 'NotFound',
        message: `this IdentityProvider does not observe Entra directory roles (spec.entra.directoryRoles is false); it manages Azure RBAC scopes ${this.armScopes.join(', ') || '(none)'}`,
      };
    }
    if (ref.clientId !== undefined) {
      return {
        kind: 'NotFound',
        message: `clientId applies to Keycloak roles only, not to Entra directory roles`,
      };
    }
    if (ref.id !== undefined) {
      const id = ref.id.toLowerCase();
      const def = this.byId.get(id);
      return this.found(def ?? { id: ref.id, displayName: ref.id }, def !== undefined);
    }
    if (ref.displayName !== undefined) {
      const name = ref.displayName;
      const matches = this.byName.get(name) ?? [];
      if (matches.length > 1) {
        return {
          kind: 'Ambiguous',
          candidates: matches.map((d) => `${d.displayName} (${d.id.toLowerCase()})`).sort(),
        };
      }
      const def = matches[0];
      if (def) return this.found(def, true);
      const near = this.definitions.find((d) => d.displayName.toLowerCase() === name.toLowerCase());
      return {
        kind: 'NotFound',
        message: `no Entra directory role is named '${name}'${near ? ` (display names are case-sensitive; did you mean '${near.displayName}'?)` : ''}`,
      };
    }
    return {
      kind: 'NotFound',
      message: 'the role reference names neither an id nor a displayName',
    };
  }

  /**
   * Resolves the member or owner access of a role-assignable group, by group id (case-insensitive) or display name
   * (exact), to the LiveRole of that access's PIM for Groups policy.
   */
  private resolveGroup(ref: RoleReference, access: GroupAccess): RoleLookup {
    if (!this.groups) {
      return {
        kind: 'NotFound',
        message: `PIM for Groups policies were not read${this.groupsNote ? `: ${this.groupsNote}` : ''}`,
      };
    }
    let view: GroupView | undefined;
    if (ref.id !== undefined) {
      view = this.groups.get(ref.id.toLowerCase());
      if (!view)
        return {
          kind: 'NotFound',
          message: `no role-assignable group has the id ${ref.id.toLowerCase()}`,
        };
    } else if (ref.displayName !== undefined) {
      const name = ref.displayName;
      const matches = this.groupsByName.get(name) ?? [];
      if (matches.length > 1) {
        return {
          kind: 'Ambiguous',
          candidates: matches.map((g) => `${g.group.displayName} (${g.group.id})`).sort(),
        };
      }
      view = matches[0];
      if (!view) {
        const near = [...this.groups.values()].find(
          (g) => g.group.displayName.toLowerCase() === name.toLowerCase(),
        );
        return {
          kind: 'NotFound',
          message: `no role-assignable group is named '${name}'${near ? ` (display names are case-sensitive; did you mean '${near.group.displayName}'?)` : ''}`,
        };
      }
    } else {
      return {
        kind: 'NotFound',
        message: 'the group reference names neither an id nor a displayName',
      };
    }
    const role = view.live.get(access);
    if (role) return { kind: 'Found', role };
    return {
      kind: 'NotFound',
      message: `group ${view.group.displayName} (${view.group.id}) has no PIM for Groups ${access} policy`,
    };
  }

  private resolveArm(ref: RoleReference, view: ArmScopeView): RoleLookup {
    if (ref.clientId !== undefined) {
      return {
        kind: 'NotFound',
        message: 'clientId applies to Keycloak roles only, not to Azure roles',
      };
    }
    const at = `at scope '${view.scope}'`;
    if (ref.id !== undefined) {
      const guid = armName(ref.id);
      const role = view.live.get(guid);
      if (role) return { kind: 'Found', role };
      const def = view.definitions.find((d) => armName(d.id) === guid);
      return {
        kind: 'NotFound',
        message: def
          ? `Azure role ${def.properties.roleName} (${guid}) has no PIM policy ${at}`
          : `no Azure role definition has the id ${guid} ${at}`,
      };
    }
    if (ref.displayName !== undefined) {
      const name = ref.displayName;
      const matches = view.definitions.filter((d) => d.properties.roleName === name);
      if (matches.length > 1) {
        return {
          kind: 'Ambiguous',
          candidates: matches.map((d) => `${d.properties.roleName} (${armName(d.id)})`).sort(),
        };
      }
      const def = matches[0];
      // Without a definitions listing entry the policy assignment's own name still resolves.
      const role = def
        ? view.live.get(armName(def.id))
        : [...view.live.values()].find((r) => r.roleDisplayName === name);
      if (role) return { kind: 'Found', role };
      if (def) {
        return {
          kind: 'NotFound',
          message: `Azure role ${name} (${armName(def.id)}) has no PIM policy ${at}`,
        };
      }
      const near = view.definitions.find(
        (d) => d.properties.roleName.toLowerCase() === name.toLowerCase(),
      );
      return {
        kind: 'NotFound',
        message: `no Azure role is named '${name}' ${at}${near ? ` (role names are case-sensitive; did you mean '${near.properties.roleName}'?)` : ''}`,
      };
    }
    return {
      kind: 'NotFound',
      message: 'the role reference names neither an id nor a displayName',
    };
  }

  private found(
    def: { id: string; displayName: string; templateId?: string | null },
    known: boolean,
  ): RoleLookup {
    const role =
      this.live.get(def.id.toLowerCase()) ??
      (def.templateId ? this.live.get(def.templateId.toLowerCase()) : undefined);
    if (role) return { kind: 'Found', role };
    if (!known)
      return {
        kind: 'NotFound',
        message: `no Entra directory role has the id ${def.id.toLowerCase()}`,
      };
    return {
      kind: 'NotFound',
      message: `Entra directory role ${def.displayName} (${def.id.toLowerCase()}) has no PIM policy at scope '/' (The role setting is not found)`,
    };
  }
}

/** A role's holder facts (none found: no holders), matched to Conditional Access by its template id. */
function factsOf(
  holders: ReadonlyMap<string, CoverageFacts>,
  roleId: string,
  templateId: string | null | undefined,
): CoverageFacts {
  const directoryRoleId = (templateId ?? roleId).toLowerCase();
  const facts = holders.get(roleId.toLowerCase());
  if (!facts) return emptyFacts(directoryRoleId);
  // The holder read's own facts when they already name this template (built-in roles): a copy per role and
  // snapshot, with its own copy of the id, is memory for nothing while the facts are read-only.
  return facts.directoryRoleId === directoryRoleId ? facts : { ...facts, directoryRoleId };
}

/**
 * Adds the Conditional Access note to a role that has an authentication context (or, `always`, to any role whose
 * coverage it concerns).
 */
function withNote(role: LiveRole, note: string | undefined, always = false): LiveRole {
  if (!note || (!always && !authenticationContext(role))) return role;
  const detail = [...(role.detail ? role.detail.split('; ') : []), note].sort().join('; ');
  return { ...role, detail };
}

/**
 * A directory role with the tenant's policies in its coverage facts (when its holders were read), and the note
 * on an unreadable listing when the holders' coverage depends on it and no authentication context put it there.
 */
function withAccessPolicies(
  role: LiveRole,
  policies: AccessPolicy[],
  note: string | undefined,
): LiveRole {
  const out = attachAccessPolicies(role, policies);
  return out.coverage && !authenticationContext(out) ? withNote(out, note, true) : out;
}
