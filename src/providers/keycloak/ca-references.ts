// The private CA of a Keycloak IdentityProvider named by reference (tls.caSecretRef, tls.caConfigMapRef), read
// like the client secret, so that a CA bundle needs no volume on the controller's read-only root filesystem.
import { ProviderConfigError, type SecretResolver } from '../types.js';
import type { KeycloakSpec } from './keycloak-provider.js';

/** The PEM certificates behind tls.caSecretRef and tls.caConfigMapRef, joined; undefined when neither is set. */
export async function resolveCaReferences(
  tls: KeycloakSpec['tls'],
  secrets: SecretResolver,
): Promise<string | undefined> {
  const parts: string[] = [];
  const pem = (field: string, text: string): void => {
    // A wrong key (a token, a DER file) would otherwise surface later as an opaque TLS handshake failure.
    if (!text.includes('-----BEGIN CERTIFICATE-----'))
      throw new ProviderConfigError(
        `spec.keycloak.tls.${field} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      );
    parts.push(text);
  };
  if (tls?.caSecretRef) pem('caSecretRef', await secrets.get(tls.caSecretRef));
  if (tls?.caConfigMapRef) {
    if (!secrets.getConfigMap)
      throw new ProviderConfigError(
        'spec.keycloak.tls.caConfigMapRef needs Kubernetes mode; here use tls.caSecretRef or tls.caFile',
      );
    pem('caConfigMapRef', await secrets.getConfigMap(tls.caConfigMapRef));
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}
