// A point-in-time view of an Entra tenant's directory-role PIM policies: the role definitions (for names) and
// every policy assignment at scope '/' with its policy and rules, resolved by id or display name.
import type { LiveRole, RoleLookup } from '../../api/observation.js';
import type { ProviderSnapshot, RoleReference } from '../types.js';
import {
  DIRECTORY_SCOPE,
  liveRoleFromPolicy,
  type GraphPolicyAssignment,
  type GraphRoleDefinition,
} from './mapping.js';

/** The snapshot of one tenant. */
export class EntraSnapshot implements ProviderSnapshot {
  private readonly live = new Map<string, LiveRole>();
  private readonly definitions: GraphRoleDefinition[];

  constructor(
    definitions: readonly GraphRoleDefinition[],
    assignments: readonly GraphPolicyAssignment[],
    readonly observedAt: string,
  ) {
    this.definitions = [...definitions];
    const byId = new Map<string, GraphRoleDefinition>();
    for (const d of definitions) {
      byId.set(d.id.toLowerCase(), d);
      if (d.templateId) byId.set(d.templateId.toLowerCase(), d);
    }
    for (const a of assignments) {
      if (a.scopeId !== DIRECTORY_SCOPE || a.scopeType !== 'DirectoryRole' || !a.policy) continue;
      const def = byId.get(a.roleDefinitionId.toLowerCase());
      // A policy of a role the definitions listing did not show still counts; its id stands in for a name.
      const role = { id: a.roleDefinitionId, displayName: def?.displayName ?? a.roleDefinitionId };
      this.live.set(a.roleDefinitionId.toLowerCase(), liveRoleFromPolicy(role, a.policy));
    }
  }

  /** Every role with a PIM policy, sorted by display name then id. */
  roles(): readonly LiveRole[] {
    return [...this.live.values()].sort(
      (a, b) =>
        a.roleDisplayName.localeCompare(b.roleDisplayName) || a.roleId.localeCompare(b.roleId),
    );
  }

  /** Resolves a role by id (case-insensitive; id or template id) or by display name (exact). */
  resolve(ref: RoleReference, scope: string): RoleLookup {
    if (scope !== DIRECTORY_SCOPE) {
      return {
        kind: 'NotFound',
        message: `Entra directory roles have PIM policies at scope '/' only; scope '${scope}' is an Azure RBAC scope, and Azure RBAC scopes are not supported by this provider yet`,
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
      const def = this.definitions.find(
        (d) => d.id.toLowerCase() === id || d.templateId?.toLowerCase() === id,
      );
      return this.found(def ?? { id: ref.id, displayName: ref.id }, def !== undefined);
    }
    if (ref.displayName !== undefined) {
      const name = ref.displayName;
      const matches = this.definitions.filter((d) => d.displayName === name);
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
