// An IdentityProvider in the test API server that points at a Graph emulator the test runs.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  VERSION,
  type IdentityProviderSpec,
} from '../../src/api/v1alpha1/types.js';
import type { GraphEmulator } from '../../src/emulator/graph/index.js';

/** Creates IdentityProvider `name` for `emulator`, with Emulator credentials unless others are given. */
export async function createEmulatorProvider(
  api: CustomObjectsApi,
  name: string,
  emulator: GraphEmulator,
  resyncInterval: string,
  credentials: NonNullable<IdentityProviderSpec['entra']>['credentials'] = { type: 'Emulator' },
): Promise<void> {
  await api.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'identityproviders',
    body: {
      apiVersion: API_VERSION,
      kind: 'IdentityProvider',
      metadata: { name },
      spec: {
        resyncInterval,
        entra: {
          tenantId: emulator.tenantId,
          graphBaseUrl: emulator.url,
          credentials,
        },
      },
    },
  });
}

/** Deletes IdentityProvider `name`, if it exists. */
export async function deleteProvider(
  api: CustomObjectsApi | undefined,
  name: string,
): Promise<void> {
  await api
    ?.deleteClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: 'identityproviders',
      name,
    })
    .catch(() => undefined);
}

/** The YAML of IdentityProvider `tenant` for `emulator`, with Emulator credentials, for directory-mode tests. */
export function emulatorProviderYaml(emulator: GraphEmulator, resyncInterval = '1s'): string {
  return `apiVersion: rolegate.io/v1alpha1
kind: IdentityProvider
metadata: { name: tenant }
spec:
  resyncInterval: ${resyncInterval}
  entra: { tenantId: ${emulator.tenantId}, graphBaseUrl: "${emulator.url}", credentials: { type: Emulator } }
`;
}
