// Builds the client for an IdentityProvider, resolving secret references first. The only place that knows
// every provider; providers themselves know nothing of sources or of each other.
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { ProviderClient } from '../providers/types.js';
import { createEntraProvider } from '../providers/entra/index.js';
import { createKeycloakProvider } from '../providers/keycloak/index.js';
import { ProviderConfigError, type SecretResolver } from './provider-registry.js';

/** Builds a ProviderClient for an IdentityProvider. */
export async function createProviderClient(
  idp: IdentityProvider,
  secrets: SecretResolver,
): Promise<ProviderClient> {
  const { entra, keycloak } = idp.spec;
  if (entra) {
    const ref = entra.credentials.clientSecretRef;
    const clientSecret =
      entra.credentials.type === 'ClientSecret' && ref ? await secrets.get(ref) : undefined;
    return createEntraProvider(entra, clientSecret === undefined ? {} : { clientSecret });
  }
  if (keycloak) {
    const ref = keycloak.credentials.clientSecretRef;
    const clientSecret = ref ? await secrets.get(ref) : undefined;
    return createKeycloakProvider(keycloak, clientSecret === undefined ? {} : { clientSecret });
  }
  throw new ProviderConfigError(
    `IdentityProvider ${idp.metadata.name} sets neither entra nor keycloak`,
  );
}
