// The Keycloak CA references (tls.caSecretRef, tls.caConfigMapRef) as the Keycloak provider resolves them when its
// client is built: what it refuses before any request is sent. Kubernetes mode against the real API server and Keycloak over TLS is in
// test/integration/providers/keycloak/tls-ca.test.ts.
import { describe, expect, it } from 'vitest';
import type { IdentityProvider } from '../../../../src/api/v1alpha1/types.js';
import { PROVIDERS } from '../../../../src/providers/registry.js';
import { EnvSecretResolver } from '../../../../src/controller/env-secret-resolver.js';
import type { SecretKeyRef, SecretResolver } from '../../../../src/providers/types.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const idp = (tls: Record<string, unknown>): IdentityProvider => ({
  apiVersion: 'rolegate.io/v1alpha1',
  kind: 'IdentityProvider',
  metadata: { name: 'sso' },
  spec: {
    keycloak: { url: 'https://sso.example.com', realm: 'r', credentials: { clientId: 'c' }, tls },
  },
});

/** Resolves from fixed maps, as the API server would from Secrets and ConfigMaps. */
const kube = (
  secrets: Record<string, string>,
  configMaps: Record<string, string>,
): SecretResolver => ({
  get: (r: SecretKeyRef) => Promise.resolve(secrets[`${r.name}/${r.key}`] ?? ''),
  getConfigMap: (r: SecretKeyRef) => Promise.resolve(configMaps[`${r.name}/${r.key}`] ?? ''),
});

describe('building a Keycloak client with a CA reference', () => {
  it.each([
    {
      reason:
        'a ConfigMap CA in directory mode, where there are no ConfigMaps, says what to use instead',
      tls: { caConfigMapRef: { name: 'ca', key: 'ca.crt' } },
      secrets: new EnvSecretResolver({}),
      error:
        'spec.keycloak.tls.caConfigMapRef needs Kubernetes mode; here use tls.caSecretRef or tls.caFile',
    },
    {
      reason: 'a Secret key that holds no certificate names the field, not a TLS handshake later',
      tls: { caSecretRef: { name: 'ca', key: 'token' } },
      secrets: kube({ 'ca/token': 'abc' }, {}),
      error: 'spec.keycloak.tls.caSecretRef holds no PEM certificate',
    },
    {
      reason: 'a ConfigMap key that holds no certificate names its field',
      tls: { caSecretRef: { name: 'ca', key: 'ca.crt' }, caConfigMapRef: { name: 'b', key: 'x' } },
      secrets: kube({ 'ca/ca.crt': PEM }, { 'b/x': 'not pem' }),
      error: 'spec.keycloak.tls.caConfigMapRef holds no PEM certificate',
    },
    {
      reason: 'directory mode reads a Secret CA from its environment variable',
      tls: { caSecretRef: { name: 'sso-ca', key: 'ca.crt' } },
      secrets: new EnvSecretResolver({ ROLEGATE_SECRET_SSO_CA_CA_CRT: PEM }),
      error: undefined,
    },
    {
      reason: 'both references, each a PEM, build a client',
      tls: { caSecretRef: { name: 'ca', key: 'ca.crt' }, caConfigMapRef: { name: 'b', key: 'x' } },
      secrets: kube({ 'ca/ca.crt': PEM }, { 'b/x': PEM }),
      error: undefined,
    },
  ])('$reason', async ({ tls, secrets, error }) => {
    const built = PROVIDERS.createClient(idp(tls), secrets);
    if (error) await expect(built).rejects.toThrow(error);
    else expect((await built).kind).toBe('keycloak');
  });
});
