// Status in Kubernetes mode: a replace (PUT) of the /status subresource, as client-go's UpdateStatus does. The API
// server takes only `status` from it (spec, and therefore generation, metadata and managedFields come from the
// stored object), so the stripped cache copy can be sent as it is. It carries the resourceVersion the reconciler read,
// so a write based on an old read is refused with 409 instead of overwriting newer status. A replace rather than a
// merge patch: status is the controller's own and is computed whole each time, fields it no longer has go without
// a patch spelling out their removal, and the API server spends less on it (figures in docs/benchmarks.md).
import type { KubeClient } from '../kube/client.js';
import {
  GROUP,
  VERSION,
  type IdentityProvider,
  type IdentityProviderStatus,
  type PrivilegedRole,
  type PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { guardStale } from './stale-object-error.js';
import type { StatusWriter } from './types.js';

export { StaleObjectError, isConflict, isStale } from './stale-object-error.js';

/** A KubernetesStatusWriter replaces the status subresource of PrivilegedRoles and IdentityProviders. */
export class KubernetesStatusWriter implements StatusWriter {
  constructor(private readonly client: KubeClient) {}

  /** Replaces a PrivilegedRole's status. Throws StaleObjectError on 409 (changed since read) or 404 (gone). */
  async writeRole(
    role: PrivilegedRole,
    status: PrivilegedRoleStatus,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const { name, namespace } = role.metadata;
    if (!namespace) throw new Error(`PrivilegedRole ${name} has no namespace`);
    const body = this.body(role, status);
    await guardStale(`PrivilegedRole ${objectKey(role.metadata)}`, () =>
      this.client.put(
        `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/privilegedroles/${encodeURIComponent(name)}/status`,
        body,
        signal ? { signal } : {},
      ),
    );
  }

  /** Replaces an IdentityProvider's status. Throws StaleObjectError on 409 or 404. */
  async writeProvider(
    provider: IdentityProvider,
    status: IdentityProviderStatus,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const body = this.body(provider, status);
    await guardStale(`IdentityProvider ${provider.metadata.name}`, () =>
      this.client.put(
        `/apis/${GROUP}/${VERSION}/identityproviders/${encodeURIComponent(provider.metadata.name)}/status`,
        body,
        signal ? { signal } : {},
      ),
    );
  }

  private body<T extends PrivilegedRole | IdentityProvider>(obj: T, status: T['status']): T {
    // without metadata.resourceVersion a PUT would overwrite whatever is there: never send one without it
    if (!obj.metadata.resourceVersion)
      throw new Error(`${obj.kind} ${obj.metadata.name} has no resourceVersion to write against`);
    return { ...obj, status };
  }
}
