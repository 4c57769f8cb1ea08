// Checks of a PrivilegedRole whose IdentityProvider is a Keycloak realm: PIM-only fields have nothing to turn.
import type { Json, ValidationProblem } from '../../api/validation/problem.js';

/**
 * A PrivilegedRole's spec against Keycloak: mfaOnActiveAssignment is PIM's rule and group is PIM for Groups; neither
 * exists there.
 */
export function validateKeycloakRoleSpec(spec: Json, provider: string): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  if (spec['mfaOnActiveAssignment'] !== undefined) {
    out.push({
      pointer: '/spec/mfaOnActiveAssignment',
      rule: 'semantic.provider-field',
      severity: 'error',
      message: `spec.mfaOnActiveAssignment is PIM's MFA-on-active-assignment rule (Entra directory roles and Azure RBAC roles); IdentityProvider ${provider} is a Keycloak realm, which has no such rule: remove the field`,
    });
  }
  if (spec['group'] !== undefined) {
    out.push({
      pointer: '/spec/group',
      rule: 'semantic.provider-field',
      severity: 'error',
      message: `spec.group names a PIM for Groups access (Microsoft Entra); IdentityProvider ${provider} is a Keycloak realm, which has no such groups: name a realm or client role with spec.role instead`,
    });
  }
  return out;
}
