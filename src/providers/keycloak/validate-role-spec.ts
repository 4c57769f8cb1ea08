// Checks of a PrivilegedRole whose IdentityProvider is a Keycloak realm: PIM-only fields have nothing to turn.
import type { Json, ValidationProblem } from '../../api/validation/problem.js';

/** A PrivilegedRole's spec against Keycloak: mfaOnActiveAssignment is PIM's rule and does not exist there. */
export function validateKeycloakRoleSpec(spec: Json, provider: string): ValidationProblem[] {
  if (spec['mfaOnActiveAssignment'] === undefined) return [];
  return [
    {
      pointer: '/spec/mfaOnActiveAssignment',
      rule: 'semantic.provider-field',
      severity: 'error',
      message: `spec.mfaOnActiveAssignment is PIM's MFA-on-active-assignment rule (Entra directory roles and Azure RBAC roles); IdentityProvider ${provider} is a Keycloak realm, which has no such rule: remove the field`,
    },
  ];
}
