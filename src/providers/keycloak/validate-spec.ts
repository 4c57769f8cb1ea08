// Checks of spec.keycloak beyond its schema (which crds/ defines).
import type { ValidationProblem } from '../../api/validation/problem.js';
import { isObject } from '../../api/validation/problem.js';
import { fieldPath } from '../../api/validation/pointer.js';

/** Turning TLS verification off is allowed, but said. */
export function validateKeycloakSpec(keycloak: unknown, at: string): ValidationProblem[] {
  if (!isObject(keycloak) || !isObject(keycloak['tls'])) return [];
  if (keycloak['tls']['insecureSkipVerify'] !== true) return [];
  return [
    {
      pointer: `${at}/tls/insecureSkipVerify`,
      rule: 'semantic.insecure-tls',
      severity: 'warning',
      message: `${fieldPath(at)}.tls.insecureSkipVerify turns off certificate verification; use it for tests only (prefer tls.caSecretRef, tls.caConfigMapRef or tls.caFile)`,
    },
  ];
}
