// rolegate's finalizer in Kubernetes mode: a JSON merge patch of metadata.finalizers on the PrivilegedRole itself,
// guarded by the resourceVersion the reconciler read, so a finalizer another controller added meanwhile is never
// dropped (the patch is refused with 409 and the key is reconciled again on the new version).
import type { KubeClient } from '../kube/client.js';
import { GROUP, RESET_FINALIZER, VERSION, type PrivilegedRole } from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { guardStale } from './stale-object-error.js';
import type { FinalizerWriter } from './types.js';

/** The finalizer list of `role` with RESET_FINALIZER present or absent, other finalizers kept in order. */
export function withFinalizer(role: PrivilegedRole, present: boolean): string[] {
  const others = (role.metadata.finalizers ?? []).filter((f) => f !== RESET_FINALIZER);
  return present ? [...others, RESET_FINALIZER] : others;
}

/** A KubernetesFinalizerWriter patches the finalizers of PrivilegedRoles. */
export class KubernetesFinalizerWriter implements FinalizerWriter {
  constructor(private readonly client: KubeClient) {}

  /** Adds or removes RESET_FINALIZER. Throws StaleObjectError on 409 (changed since read) or 404 (gone). */
  async setFinalizer(role: PrivilegedRole, present: boolean, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const { name, namespace, resourceVersion } = role.metadata;
    if (!namespace) throw new Error(`PrivilegedRole ${name} has no namespace`);
    const metadata: Record<string, unknown> = { finalizers: withFinalizer(role, present) };
    // a resourceVersion in a patch is a precondition: the list replaces the whole field, so it must be current
    if (resourceVersion) metadata.resourceVersion = resourceVersion;
    await guardStale(`PrivilegedRole ${objectKey(role.metadata)}`, () =>
      this.client.mergePatch(
        `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/privilegedroles/${encodeURIComponent(name)}`,
        { metadata },
        signal ? { signal } : {},
      ),
    );
  }
}
