// Pure. The roles of a provider whose activation does not require MFA: the content of PIM's alert "Roles don't
// require multi-factor authentication for activation", computed from a snapshot for any provider.
import { assessMfa, type LiveRole } from '../api/observation.js';

/** One role without MFA on activation. */
export interface RoleWithoutMfa {
  roleId: string;
  roleDisplayName: string;
  severity: string;
}

/** The roles without MFA on activation, sorted by display name then id. */
export function rolesWithoutMfa(roles: readonly LiveRole[], severity = 'medium'): RoleWithoutMfa[] {
  return roles
    .filter((r) => !assessMfa(r).required)
    .map((r) => ({ roleId: r.roleId, roleDisplayName: r.roleDisplayName, severity }))
    .sort(
      (a, b) =>
        a.roleDisplayName.localeCompare(b.roleDisplayName) || a.roleId.localeCompare(b.roleId),
    );
}
