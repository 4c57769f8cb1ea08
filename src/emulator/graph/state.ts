// The mutable state of one emulated tenant, with lookups by role and policy id and optional JSON persistence
// (written after every change, atomically, so a killed emulator restarts with what it last acknowledged).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  seedTenant,
  type Policy,
  type PolicyAssignment,
  type PolicyRule,
  type RoleDefinition,
  type SeedSpec,
  type TenantData,
} from './catalog.js';
import {
  applySeed,
  defaultDirectorySeed,
  emptyDirectory,
  type DirectoryData,
  type DirectoryGroup,
  type DirectorySeed,
  type DirectoryUser,
} from './directory.js';

/** A tenant's role definitions, PIM policies and policy assignments. */
export class TenantState {
  // Indexes by lower-case id. The sets of roles, policies and assignments never change after the tenant is
  // opened (only rules are replaced, in place), so they are built once. A linear search per lookup made every
  // listed page and every per-role request O(roles), which skewed timings at thousands of roles.
  private readonly roleIndex: Map<string, RoleDefinition>;
  private readonly policyIndex: Map<string, Policy>;
  private readonly assignmentIndex: Map<string, PolicyAssignment>;
  private readonly assignmentsByRole: Map<string, PolicyAssignment[]>;
  /** Users and groups by id, and group policy assignments by group; rebuilt when the directory is seeded. */
  private objectIndex = new Map<string, DirectoryUser | DirectoryGroup>();
  private groupPolicyIndex = new Map<string, PolicyAssignment[]>();
  /** Transitive members per group, computed on first use after each seed. */
  private transitive = new Map<string, string[]>();
  /** Instances by a filter key (`kind|field|value`), built on first use after each seed. */
  private instanceIndex = new Map<string, Map<string, unknown[]>>();

  private constructor(
    private data: TenantData,
    private readonly file: string | undefined,
  ) {
    const byId = <T extends { id: string }>(xs: readonly T[]): Map<string, T> => {
      const m = new Map<string, T>();
      // The first of duplicate ids wins, as Array.find did.
      for (const x of xs) if (!m.has(x.id.toLowerCase())) m.set(x.id.toLowerCase(), x);
      return m;
    };
    this.roleIndex = byId(data.roleDefinitions);
    this.policyIndex = byId(data.policies);
    this.assignmentIndex = byId(data.assignments);
    this.assignmentsByRole = new Map();
    for (const a of data.assignments) {
      const k = a.roleDefinitionId.toLowerCase();
      const list = this.assignmentsByRole.get(k);
      if (list) list.push(a);
      else this.assignmentsByRole.set(k, [a]);
    }
    data.directory ??= emptyDirectory();
    this.reindexDirectory();
  }

  private reindexDirectory(): void {
    const d = this.directory();
    this.objectIndex = new Map();
    for (const u of d.users) this.objectIndex.set(u.id.toLowerCase(), u);
    for (const g of d.groups) this.objectIndex.set(g.id.toLowerCase(), g);
    this.groupPolicyIndex = new Map();
    for (const a of d.groupPolicyAssignments) {
      const k = a.scopeId.toLowerCase();
      this.groupPolicyIndex.set(k, [...(this.groupPolicyIndex.get(k) ?? []), a]);
    }
    for (const p of d.groupPolicies) this.policyIndex.set(p.id.toLowerCase(), p);
    this.transitive = new Map();
    this.instanceIndex = new Map();
  }

  /**
   * The items of a list whose field equals a value (case-insensitive), from an index built on first use: a
   * client filtering per role or per group must not pay a scan of the tenant's instances per request.
   */
  indexed<T>(list: readonly T[], name: string, field: (x: T) => string, value: string): T[] {
    let idx = this.instanceIndex.get(name) as Map<string, T[]> | undefined;
    if (!idx) {
      idx = new Map();
      for (const x of list) {
        const k = field(x).toLowerCase();
        const l = idx.get(k);
        if (l) l.push(x);
        else idx.set(k, [x]);
      }
      this.instanceIndex.set(name, idx as Map<string, unknown[]>);
    }
    return idx.get(value.toLowerCase()) ?? [];
  }

  /** Users, groups, holders and PIM for Groups of the tenant. */
  directory(): DirectoryData {
    return this.data.directory!;
  }

  /** Adds (or replaces) directory entries; throws on input Graph would refuse, leaving the state unchanged. */
  seedDirectory(seed: DirectorySeed): void {
    const next = structuredClone(this.directory());
    applySeed(next, seed);
    this.data.directory = next;
    this.reindexDirectory();
    this.save();
  }

  /** Empties the directory (users, groups, holders, group policies). */
  clearDirectory(): void {
    for (const p of this.directory().groupPolicies) this.policyIndex.delete(p.id.toLowerCase());
    this.data.directory = emptyDirectory();
    this.reindexDirectory();
    this.save();
  }

  /** A user or group by id (case-insensitive). */
  directoryObject(id: string): DirectoryUser | DirectoryGroup | undefined {
    return this.objectIndex.get(id.toLowerCase());
  }

  /**
   * The transitive members of a group: its members, and the members of member groups, each once, in the order
   * found (nested groups are listed too, as Graph's transitiveMembers does).
   */
  transitiveMembers(groupId: string): string[] {
    const k = groupId.toLowerCase();
    const cached = this.transitive.get(k);
    if (cached) return cached;
    const out: string[] = [];
    const seen = new Set<string>([k]);
    const walk = (id: string): void => {
      const g = this.objectIndex.get(id);
      if (!g || !('members' in g)) return;
      for (const m of g.members) {
        if (seen.has(m)) continue;
        seen.add(m);
        out.push(m);
        walk(m);
      }
    };
    walk(k);
    this.transitive.set(k, out);
    return out;
  }

  /** The PIM for Groups policy assignments of a group (member and owner), if it is onboarded. */
  groupPolicyAssignments(groupId: string): readonly PolicyAssignment[] {
    return this.groupPolicyIndex.get(groupId.toLowerCase()) ?? [];
  }

  /** Loads the state file if it exists, else seeds a new tenant (and writes the file when one is given). */
  static open(opts: {
    tenantId: string;
    seed: SeedSpec;
    stateFile?: string | undefined;
    /** Directory entries to add to a newly seeded tenant. */
    directory?: DirectorySeed | undefined;
  }): TenantState {
    if (opts.stateFile && existsSync(opts.stateFile)) {
      const data = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as TenantData;
      if (data.version !== 1 || !Array.isArray(data.policies)) {
        throw new Error(`${opts.stateFile} is not a Graph emulator state file (version 1)`);
      }
      return new TenantState(data, opts.stateFile);
    }
    const s = new TenantState(seedTenant(opts.tenantId, opts.seed), opts.stateFile);
    if (opts.seed === 'default') applySeed(s.directory(), defaultDirectorySeed());
    if (opts.directory) applySeed(s.directory(), opts.directory);
    s.reindexDirectory();
    s.save();
    return s;
  }

  get tenantId(): string {
    return this.data.tenantId;
  }

  roleDefinitions(): readonly RoleDefinition[] {
    return this.data.roleDefinitions;
  }

  assignments(): readonly PolicyAssignment[] {
    return this.data.assignments;
  }

  policies(): readonly Policy[] {
    return this.data.policies;
  }

  /** A role definition by id (case-insensitive, like Graph's GUID keys). */
  roleDefinition(id: string): RoleDefinition | undefined {
    return this.roleIndex.get(id.toLowerCase());
  }

  /** A policy by id (case-insensitive). */
  policy(id: string): Policy | undefined {
    return this.policyIndex.get(id.toLowerCase());
  }

  /** A policy assignment by id (case-insensitive). */
  assignment(id: string): PolicyAssignment | undefined {
    return this.assignmentIndex.get(id.toLowerCase());
  }

  /** The policy assignments of a role (case-insensitive), in listing order. */
  assignmentsOfRole(roleDefinitionId: string): readonly PolicyAssignment[] {
    return this.assignmentsByRole.get(roleDefinitionId.toLowerCase()) ?? [];
  }

  /** The policy of a role, or the policy itself when given a policy id. */
  policyOf(policyIdOrRoleId: string): Policy | undefined {
    const direct = this.policy(policyIdOrRoleId);
    if (direct) return direct;
    const a = this.assignmentsOfRole(policyIdOrRoleId)[0];
    return a ? this.policy(a.policyId) : undefined;
  }

  /** A rule of a policy (rule ids compare case-insensitively, as the service does). */
  rule(policy: Policy, ruleId: string): PolicyRule | undefined {
    const k = ruleId.toLowerCase();
    return policy.rules.find((r) => r.id.toLowerCase() === k);
  }

  /** Replaces rules of a policy and records who changed it and when. */
  replaceRules(policy: Policy, rules: PolicyRule[], by = 'rolegate-emulator'): void {
    policy.rules = rules;
    policy.lastModifiedDateTime = new Date().toISOString();
    policy.lastModifiedBy = { displayName: by, id: null };
    this.save();
  }

  /** Writes the state file, if any: to a temporary file first, then renamed over the old one. */
  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + '\n');
    renameSync(tmp, this.file);
  }

  /** A deep copy of the whole state (for tests and the control endpoint). */
  export(): TenantData {
    return structuredClone(this.data);
  }
}
