// Builds the client for an IdentityProvider, resolving secret references first. The only place that knows
// every provider; providers themselves know nothing of sources or of each other.
import type { Logger } from 'pino';
import type { IdentityProvider } from '../api/v1alpha1/types.js';
import type { ProviderClient } from '../providers/types.js';
import { createEntraProvider } from '../providers/entra/index.js';
import { createKeycloakProvider } from '../providers/keycloak/index.js';
import {
  ProviderConfigError,
  type ProviderFactory,
  type SecretResolver,
} from './provider-registry.js';

/** Builds a ProviderClient for an IdentityProvider; `log` receives the provider's operator notices. */
export async function createProviderClient(
  idp: IdentityProvider,
  secrets: SecretResolver,
  log?: Logger,
): Promise<ProviderClient> {
  const { entra, keycloak } = idp.spec;
  if (entra) {
    const ref = entra.credentials.clientSecretRef;
    const clientSecret =
      entra.credentials.type === 'ClientSecret' && ref ? await secrets.get(ref) : undefined;
    return createEntraProvider(entra, {
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(log ? { logger: log.child({ provider: idp.metadata.name }) } : {}),
    });
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

/** createProviderClient with a logger, as the ProviderFactory the registry takes. */
export function providerFactory(log: Logger): ProviderFactory {
  return (idp, secrets) => createProviderClient(idp, secrets, log);
}
