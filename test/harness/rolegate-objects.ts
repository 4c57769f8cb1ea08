// Minimal valid rolegate objects for the Kubernetes integration tests, created through the real API.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type IdentityProvider,
  type PrivilegedRole,
} from '../../src/api/v1alpha1/types.js';

/** A PrivilegedRole manifest with a display-name role and the given namespace. */
export function roleManifest(namespace: string, name: string, mfaRequired = true): PrivilegedRole {
  return {
    apiVersion: API_VERSION,
    kind: 'PrivilegedRole',
    metadata: { name, namespace },
    spec: {
      providerRef: { name: 'entra' },
      role: { displayName: 'Global Administrator' },
      mfaRequired,
    },
  };
}

/** An Entra IdentityProvider manifest. */
export function providerManifest(name: string): IdentityProvider {
  return {
    apiVersion: API_VERSION,
    kind: 'IdentityProvider',
    metadata: { name },
    spec: {
      entra: {
        tenantId: '00000000-0000-0000-0000-000000000001',
        credentials: { type: 'Environment' },
      },
    },
  };
}

/** Creates a PrivilegedRole and returns it as stored (uid, resourceVersion, generation). */
export async function createRole(kc: KubeConfig, role: PrivilegedRole): Promise<PrivilegedRole> {
  return (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace: role.metadata.namespace ?? 'default',
    body: role,
  })) as PrivilegedRole;
}

/** Reads a PrivilegedRole. */
export async function getRole(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<PrivilegedRole> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'privilegedroles',
    namespace,
    name,
  })) as PrivilegedRole;
}

/** Creates an IdentityProvider and returns it as stored. */
export async function createProvider(
  kc: KubeConfig,
  provider: IdentityProvider,
): Promise<IdentityProvider> {
  return (await kc.makeApiClient(CustomObjectsApi).createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'identityproviders',
    body: provider,
  })) as IdentityProvider;
}
