// The Keycloak provider as it registers itself: a realm whose browser flow asks role holders for OTP, in
// spec.keycloak. The client is loaded on first use, so that validating manifests does not load it.
import { defineProvider } from '../descriptor.js';
import type { KeycloakSpec } from './keycloak-provider.js';
import { validateKeycloakSpec } from './validate-spec.js';
import { validateKeycloakRoleSpec } from './validate-role-spec.js';
import { resolveCaReferences } from './ca-references.js';

/** The Keycloak provider's descriptor. */
export const keycloakProvider = defineProvider<KeycloakSpec>({
  kind: 'keycloak',
  specKey: 'keycloak',
  description: 'A Keycloak realm: holders of a role pass an OTP step at browser login',
  inCrd: true,
  validateSpec: validateKeycloakSpec,
  validateRoleSpec: validateKeycloakRoleSpec,
  async create(spec, ctx) {
    const ref = spec.credentials.clientSecretRef;
    const clientSecret = ref ? await ctx.secrets.get(ref) : undefined;
    const caCertificates = await resolveCaReferences(spec.tls, ctx.secrets);
    const { createKeycloakProvider } = await import('./keycloak-provider.js');
    return createKeycloakProvider(spec, {
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(caCertificates === undefined ? {} : { caCertificates }),
      ...(ctx.onRequest ? { onRequest: ctx.onRequest } : {}),
    });
  },
  // Keycloak's built-in browser flow asks no role for OTP: the default is rolegate's step absent.
  defaultMfaRequired: () => false,
});
